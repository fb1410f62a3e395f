package io.tessera.generator.engine;

/**
 * Bounds of one engine. Every bound is enforced: past it the engine answers {@link Admission#FULL}.
 *
 * @param maxBatch          samples decoded together in one step (KV cache slots)
 * @param maxQueue          samples admitted but waiting for a slot
 * @param maxSequenceLength prefix plus generated tokens, per slot
 * @param swapPrefillTokens during a policy swap, how many cached tokens one step may re-prefill under the new
 *                          weights to move in-flight samples over (at least one sample moves per step): what a
 *                          swap adds to a step. 256 tokens is ~50 ms of prefill for the default model on one
 *                          CPU core. 0: nothing moves; in-flight samples finish on the policy they run (no
 *                          re-prefill at all, for updates that come every few seconds, as in online RL), and a
 *                          newer update waits until they have.
 */
public record EngineConfig(int maxBatch, int maxQueue, int maxSequenceLength, int swapPrefillTokens) {

    /** See {@link #swapPrefillTokens}. */
    public static final int DEFAULT_SWAP_PREFILL_TOKENS = 256;

    /** Batch 32, queue 64: what the default model serves well on two CPU cores. */
    public static final EngineConfig DEFAULT = new EngineConfig(32, 64, 2048);

    public EngineConfig {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        if (maxQueue < 0) {
            throw new IllegalArgumentException("maxQueue must be >= 0, got " + maxQueue);
        }
        if (maxSequenceLength < 2) {
            throw new IllegalArgumentException("maxSequenceLength must be >= 2, got " + maxSequenceLength);
        }
        if (swapPrefillTokens < 0) {
            throw new IllegalArgumentException("swapPrefillTokens must be >= 0 (0: samples finish on their policy), got "
                    + swapPrefillTokens);
        }
    }

    /** The bounds with the default {@link #swapPrefillTokens}. */
    public EngineConfig(int maxBatch, int maxQueue, int maxSequenceLength) {
        this(maxBatch, maxQueue, maxSequenceLength, DEFAULT_SWAP_PREFILL_TOKENS);
    }
}
