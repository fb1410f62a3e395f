package io.tessera.jobs.generation;

import io.tessera.generator.engine.EngineConfig;
import io.tessera.jobs.TestGenerators;
import io.tessera.jobs.condition.ConditionedRequest;
import io.tessera.records.Cancel;
import io.tessera.records.GenerationRequest;
import io.tessera.records.PolicyUpdate;
import io.tessera.records.TokenChunk;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.ClosureCleaner;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.types.Either;

/**
 * Flink's operator test harness for the generate operator, built from its factory (the operator needs the
 * task's mailbox executor, which only the factory path hands over): input 1 keyed by request id (prompts
 * and cancels), input 2 unkeyed (broadcast policy updates). Flink ships a keyed two-input harness only for
 * operator instances, so this does what it does for the factory path.
 */
public final class GenerateHarness extends AbstractStreamOperatorTestHarness<TokenChunk> {

    public GenerateHarness(EngineConfig bounds) throws Exception {
        this(bounds, 1, 0);
    }

    public GenerateHarness(EngineConfig bounds, int parallelism, int subtask) throws Exception {
        this(TestGenerators.loader(), bounds, parallelism, subtask);
    }

    /** With another generator (e.g. the shipped default model, for a measurement). */
    public GenerateHarness(io.tessera.jobs.GeneratorLoader loader, EngineConfig bounds, int parallelism, int subtask)
            throws Exception {
        this(new GenerateOperatorFactory(loader, bounds), parallelism, subtask);
    }

    /** With a batch window: the first step after an idle engine waits for processing time to close it. */
    public GenerateHarness(EngineConfig bounds, io.tessera.jobs.generation.BatchWindow batchWindow) throws Exception {
        this(new GenerateOperatorFactory(TestGenerators.loader(), bounds, batchWindow), 1, 0);
    }

    private GenerateHarness(GenerateOperatorFactory factory, int parallelism, int subtask) throws Exception {
        super(factory, 128, parallelism, subtask);
        KeySelector<Either<ConditionedRequest, Cancel>, String> key = GenerateHarness::key;
        ClosureCleaner.clean(key, ExecutionConfig.ClosureCleanerLevel.RECURSIVE, false);
        config.setStatePartitioner(0, key);
        config.setStateKeySerializer(Types.STRING.createSerializer(executionConfig.getSerializerConfig()));
        config.serializeAllConfigs();
    }

    static String key(Either<ConditionedRequest, Cancel> in) {
        return in.isLeft() ? in.left().requestId : in.right().getRequestId();
    }

    @SuppressWarnings("unchecked")
    private TwoInputStreamOperator<Either<ConditionedRequest, Cancel>, PolicyUpdate, TokenChunk> op() {
        return (TwoInputStreamOperator<Either<ConditionedRequest, Cancel>, PolicyUpdate, TokenChunk>) operator;
    }

    public GenerateOperator generateOperator() {
        return (GenerateOperator) operator;
    }

    /** A request that promised no media. */
    public void prompt(GenerationRequest request) throws Exception {
        input1(Either.Left(ConditionedRequest.textOnly(request)));
    }

    /** A request with its conditioning media, as the assembler hands it on. */
    public void prompt(ConditionedRequest request) throws Exception {
        input1(Either.Left(request));
    }

    public void cancel(String requestId) throws Exception {
        input1(Either.Right(Cancel.newBuilder().setRequestId(requestId).setReason("test").build()));
    }

    private void input1(Either<ConditionedRequest, Cancel> value) throws Exception {
        StreamRecord<Either<ConditionedRequest, Cancel>> record = new StreamRecord<>(value, 0L);
        op().setKeyContextElement1(record);
        op().processElement1(record);
    }

    public void policy(PolicyUpdate update) throws Exception {
        StreamRecord<PolicyUpdate> record = new StreamRecord<>(update, 0L);
        op().setKeyContextElement2(record);
        op().processElement2(record);
    }

    /** A policy update, then waiting until it is loaded and installed. */
    public void policyApplied(PolicyUpdate update) throws Exception {
        policy(update);
        generateOperator().awaitPendingPolicyUpdates();
    }

    /** End of the prompt input: the operator runs every admitted and waiting sample to its end. */
    public void endPrompts() throws Exception {
        generateOperator().endInput(1);
    }

    /** Keyed state entries (the cancel markers) in the heap backend. */
    public int numKeyedStateEntries() {
        return ((HeapKeyedStateBackend<?>) generateOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }
}
