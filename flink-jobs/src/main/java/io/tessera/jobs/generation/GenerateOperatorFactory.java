package io.tessera.jobs.generation;

import io.tessera.generator.engine.EngineConfig;
import io.tessera.jobs.GeneratorLoader;
import io.tessera.records.Cancel;
import io.tessera.jobs.condition.ConditionedRequest;
import io.tessera.records.PolicyUpdate;
import io.tessera.records.TokenChunk;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperatorFactory;
import org.apache.flink.types.Either;

/**
 * Creates {@link GenerateOperator}s with the task's mailbox executor (the operator yields to it when full).
 * Input 1: prompts (with their decoded conditioning media) and cancels, keyed by request id; input 2: policy
 * updates, broadcast.
 */
public final class GenerateOperatorFactory extends AbstractStreamOperatorFactory<TokenChunk>
        implements TwoInputStreamOperatorFactory<Either<ConditionedRequest, Cancel>, PolicyUpdate, TokenChunk> {

    private final GeneratorLoader loader;
    private final int maxBatch;
    private final int maxQueue;
    private final int maxSequence;
    private final int swapPrefillTokens;
    private final BatchWindow batchWindow;

    /** Steps as soon as a request arrives (no batch window): what the harness tests drive. */
    public GenerateOperatorFactory(GeneratorLoader loader, EngineConfig bounds) {
        this(loader, bounds, BatchWindow.NONE);
    }

    /** With a batch window: see {@code JobOptions.ENGINE_BATCH_WINDOW} and {@code ENGINE_BATCH_QUIET}. */
    public GenerateOperatorFactory(GeneratorLoader loader, EngineConfig bounds, BatchWindow batchWindow) {
        this.loader = loader;
        this.maxBatch = bounds.maxBatch();
        this.maxQueue = bounds.maxQueue();
        this.maxSequence = bounds.maxSequenceLength();
        this.swapPrefillTokens = bounds.swapPrefillTokens();
        this.batchWindow = batchWindow;
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends StreamOperator<TokenChunk>> T createStreamOperator(StreamOperatorParameters<TokenChunk> parameters) {
        return (T) new GenerateOperator(parameters, loader, new EngineConfig(maxBatch, maxQueue, maxSequence,
                swapPrefillTokens), batchWindow);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
        return GenerateOperator.class;
    }
}
