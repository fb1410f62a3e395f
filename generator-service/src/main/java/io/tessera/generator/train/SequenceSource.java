package io.tessera.generator.train;

/**
 * Where pretraining data comes from (the world's training mix lives in {@code io.tessera.generator.world}).
 * A batch is a pure function of {@code (seed, step)}, so a resumed run sees exactly the data an
 * uninterrupted one would have seen: the data stream's "random state" is just the step counter.
 */
public interface SequenceSource {

    /**
     * @param seed      the run's seed
     * @param step      the training step (0-based)
     * @param batchSize rows to return
     * @param maxTokens longest row allowed (the run's {@code --seq-len} + 1: inputs plus the shifted target)
     */
    TrainingBatch batch(long seed, long step, int batchSize, int maxTokens);
}
