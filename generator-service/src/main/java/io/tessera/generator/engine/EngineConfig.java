package io.tessera.generator.engine;

import io.tessera.generator.model.Shards;

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
 * @param decodeShards      most row ranges one prefill or decode step runs as at once, one per core
 *                          ({@link Shards}; a range gets at least {@value Shards#MIN_ROWS} rows). 1: the engine's
 *                          thread only, as in the Flink job, whose subtasks already spread over the cores.
 */
public record EngineConfig(int maxBatch, int maxQueue, int maxSequenceLength, int swapPrefillTokens,
        int decodeShards) {

    /** See {@link #swapPrefillTokens}. */
    public static final int DEFAULT_SWAP_PREFILL_TOKENS = 256;

    /**
     * Batch 32, queue 64, a step over one core each per 16 rows up to {@link Shards#auto()}: what the default model
     * serves well on two CPU cores when the engine has the machine to itself ({@code generate}, {@code eval},
     * {@code bench engine}).
     */
    public static final EngineConfig DEFAULT =
            new EngineConfig(32, 64, 2048, DEFAULT_SWAP_PREFILL_TOKENS, Shards.auto());

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
        if (decodeShards < 1) {
            throw new IllegalArgumentException("decodeShards must be >= 1 (1: the engine's thread only), got "
                    + decodeShards);
        }
    }

    /** The bounds with steps on the engine's thread only. */
    public EngineConfig(int maxBatch, int maxQueue, int maxSequenceLength, int swapPrefillTokens) {
        this(maxBatch, maxQueue, maxSequenceLength, swapPrefillTokens, 1);
    }

    /** These bounds with steps run as up to {@code shards} row ranges at once. */
    public EngineConfig withDecodeShards(int shards) {
        return new EngineConfig(maxBatch, maxQueue, maxSequenceLength, swapPrefillTokens, shards);
    }

    /** The bounds with the default {@link #swapPrefillTokens}, steps on the engine's thread only. */
    public EngineConfig(int maxBatch, int maxQueue, int maxSequenceLength) {
        this(maxBatch, maxQueue, maxSequenceLength, DEFAULT_SWAP_PREFILL_TOKENS);
    }
}
