package io.tessera.jobs.generation;

import io.tessera.records.Task;

/**
 * What the operator must remember about a sample beyond the engine's own state: the request it belongs
 * to, for the chunks and the completion record it emits.
 *
 * @param requestId   the request
 * @param sampleIndex which sample of the request, 0-based
 * @param samples     how many samples the request asked for
 * @param task        the generation task
 * @param prompt      the text prompt
 * @param tenant      who asked
 * @param requestSeed the request's seed (each sample's seed is derived from it, see {@link #sampleSeed})
 */
record SampleMeta(String requestId, int sampleIndex, int samples, Task task, String prompt, String tenant,
        long requestSeed) {

    /** Engine id of a sample: {@code requestId#index}. */
    static String sampleId(String requestId, int sampleIndex) {
        return requestId + "#" + sampleIndex;
    }

    String sampleId() {
        return sampleId(requestId, sampleIndex);
    }

    /**
     * Seed of sample {@code i}: the request seed for sample 0 (so a one-sample request reproduces with its
     * seed), a SplitMix64 mix of (seed, i) for the others, so samples of a group differ.
     */
    static long sampleSeed(long requestSeed, int sampleIndex) {
        if (sampleIndex == 0) {
            return requestSeed;
        }
        long z = requestSeed + 0x9E3779B97F4A7C15L * sampleIndex;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
