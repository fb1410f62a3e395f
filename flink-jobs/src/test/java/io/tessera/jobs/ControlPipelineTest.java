package io.tessera.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.Generator;
import io.tessera.generator.engine.EngineConfig;
import io.tessera.generator.model.Policy;
import io.tessera.jobs.io.RawRecord;
import io.tessera.records.Cancel;
import io.tessera.records.DeadLetter;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.PolicyUpdate;
import io.tessera.schemas.RecordCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GenerationJob with its three inputs on a mini cluster (parallelism 2): control and policy records are
 * decoded on the raw-record + DLQ path, cancels are routed by request id, updates reach every subtask
 * (a bad update is dead-lettered once, by subtask 0, not once per subtask).
 */
class ControlPipelineTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(PipelinesTest.clusterConfig())
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    static RawRecord raw(String topic, String key, byte[] value) {
        return RawRecord.of(topic, key.getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void controlAndPolicyRecordsFlowThroughTheJobAndBadOnesAreDeadLettered() throws Exception {
        String modelId;
        byte[] weights;
        try (Generator g = TestGenerators.loader().load(); Policy other = Policy.randomInit(g.policy().config(), 3L)) {
            modelId = g.modelId();
            weights = other.toBytes();
        }
        PolicyUpdate bad = PolicyUpdate.newBuilder().setPolicyName("default").setVersion(4).setModelId(modelId)
                .setWeights(ByteBuffer.wrap(weights)).setSha256("0".repeat(64)).build();
        Cancel ghost = Cancel.newBuilder().setRequestId("ghost").build();

        JobConfig cfg = JobConfig.defaults("127.0.0.1:9").withEngine(new EngineConfig(4, 4, 1024));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        TypeInformation<RawRecord> type = TypeInformation.of(RawRecord.class);
        var prompts = env.fromData(List.of(PipelinesTest.prompt("p1", 2, 1), PipelinesTest.prompt("p2", 1, 2)), type);
        var control = env.fromData(List.of(raw("tessera.control", "ghost", RecordCodec.of(Cancel.class).encode(ghost)),
                raw("tessera.control", "junk", "garbage".getBytes(StandardCharsets.UTF_8))), type);
        var policy = env.fromData(List.of(raw("tessera.policy", "default",
                RecordCodec.of(PolicyUpdate.class).encode(bad))), type);

        GenerationJob.Outputs gen = GenerationJob.pipeline(prompts, control, policy, cfg, TestGenerators.loader());
        CloseableIterator<GenerationCompleted> generations = gen.generations().collectAsync();
        CloseableIterator<DeadLetter> dead = gen.deadLetters().collectAsync();
        JobClient job = env.executeAsync("control-pipeline-test");
        List<GenerationCompleted> done = PipelinesTest.drain(generations);
        List<DeadLetter> letters = PipelinesTest.drain(dead);
        job.getJobExecutionResult().get();

        assertThat(done).extracting(g -> g.getRequestId() + "#" + g.getSampleIndex())
                .containsExactlyInAnyOrder("p1#0", "p2#0", "p2#1");
        assertThat(done).allSatisfy(g -> assertThat(g.getPolicyVersion()).isZero());
        List<String> stages = new ArrayList<>(letters.stream().map(DeadLetter::getStage).toList());
        assertThat(stages).containsExactlyInAnyOrder(GenerationJob.CONTROL_STAGE, "GenerationJob/hot-swap");
        assertThat(letters).filteredOn(d -> d.getStage().equals("GenerationJob/hot-swap")).singleElement()
                .satisfies(d -> assertThat(d.getReason()).contains("sha256"));
    }
}
