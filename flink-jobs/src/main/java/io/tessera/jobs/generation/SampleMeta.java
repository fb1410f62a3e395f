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
 * @param candidate   best-of-N: which candidate of returned sample {@code sampleIndex} this engine sample is
 *                    (0-based); 0 for plain sampling
 * @param bestOf      best-of-N: candidates per returned sample; 1 for plain sampling
 */
record SampleMeta(String requestId, int sampleIndex, int samples, Task task, String prompt, String tenant,
        long requestSeed, int candidate, int bestOf) {

    SampleMeta {
        if (bestOf < 1 || candidate < 0 || candidate >= bestOf) {
            throw new IllegalArgumentException("candidate " + candidate + " of bestOf " + bestOf + " is out of range");
        }
    }

    /** A plain sample (no best-of search). */
    SampleMeta(String requestId, int sampleIndex, int samples, Task task, String prompt, String tenant,
            long requestSeed) {
        this(requestId, sampleIndex, samples, task, prompt, tenant, requestSeed, 0, 1);
    }

    /** Engine id of a sample: {@code requestId#index}. */
    static String sampleId(String requestId, int sampleIndex) {
        return requestId + "#" + sampleIndex;
    }

    /**
     * Engine id of a best-of candidate: {@code requestId#index/candidate}. It ends in {@code /digits}, a plain id in
     * {@code #digits}, so the two can never be equal, whatever the request ids.
     */
    static String candidateId(String requestId, int sampleIndex, int candidate) {
        return sampleId(requestId, sampleIndex) + "/" + candidate;
    }

    /** This engine sample is one of several candidates of a returned sample. */
    boolean isCandidate() {
        return bestOf > 1;
    }

    String sampleId() {
        return isCandidate() ? candidateId(requestId, sampleIndex, candidate) : sampleId(requestId, sampleIndex);
    }

    /** The returned sample this candidate competes for (candidate 0 of it). */
    SampleMeta returned() {
        return new SampleMeta(requestId, sampleIndex, samples, task, prompt, tenant, requestSeed, 0, bestOf);
    }

    /** The same sample as candidate {@code c}. */
    SampleMeta asCandidate(int c) {
        return new SampleMeta(requestId, sampleIndex, samples, task, prompt, tenant, requestSeed, c, bestOf);
    }

    /**
     * Seed of candidate {@code c} of returned sample {@code i} when each returned sample has {@code bestOf} candidates:
     * {@link #sampleSeed} of the flat index {@code i * bestOf + c}. With bestOf 1 that is sample i's plain seed; with
     * more, all N x K seeds of a request are distinct. (Deriving candidate seeds from each sample's seed with the same
     * mix, as {@code BestOfN.seedOf(sampleSeed(seed, i), c)}, would not be: candidate 1 of sample 0 and candidate 0
     * of sample 1 would both get {@code sampleSeed(seed, 1)} and sample identical clips.)
     */
    static long candidateSeed(long requestSeed, int sampleIndex, int candidate, int bestOf) {
        return sampleSeed(requestSeed, Math.multiplyExact(sampleIndex, bestOf) + candidate);
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
