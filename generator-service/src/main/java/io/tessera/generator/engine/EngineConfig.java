package io.tessera.generator.engine;

/**
 * Bounds of one engine. Every bound is enforced: past it the engine answers {@link Admission#FULL}.
 *
 * @param maxBatch          samples decoded together in one step (KV cache slots)
 * @param maxQueue          samples admitted but waiting for a slot
 * @param maxSequenceLength prefix plus generated tokens, per slot
 */
public record EngineConfig(int maxBatch, int maxQueue, int maxSequenceLength) {

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
    }
}
