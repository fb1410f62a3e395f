package io.tessera.jobs.policy;

import static io.tessera.jobs.policy.PolicyRecords.generation;
import static io.tessera.jobs.policy.PolicyRecords.preference;
import static io.tessera.jobs.policy.PolicyRecords.raw;
import static io.tessera.jobs.policy.PolicyRecords.reward;
import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.Generator;
import io.tessera.generator.model.Policy;
import io.tessera.jobs.JobConfig;
import io.tessera.jobs.LocalCluster;
import io.tessera.jobs.TestGenerators;
import io.tessera.jobs.io.RawRecord;
import io.tessera.records.DeadLetter;
import io.tessera.records.PolicyUpdate;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PolicyJob pipeline on a mini cluster: generations, rewards and a preference in, new policy versions out. */
class PolicyPipelineTest {

    static Configuration clusterConfig() {
        Configuration conf = LocalCluster.configuration(Path.of("target", "tmp"), 1);
        conf.setString("pipeline.generic-types", "false"); // any Kryo fallback fails the job graph
        return conf;
    }

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(clusterConfig())
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void scoredGroupsAndAPreferenceBecomePolicyUpdatesWithNewWeights() throws Exception {
        JobConfig cfg = JobConfig.defaults("127.0.0.1:9");
        Configuration pc = new Configuration();
        pc.set(PolicyOptions.WEIGHTS_DIR, Path.of("target", "tmp", "policy-pipeline-" + System.nanoTime()).toString());
        pc.set(PolicyOptions.INLINE_MAX_BYTES, 0); // the tiny model still goes by file, as a large one would
        PolicyConfig policy = PolicyConfig.from(pc);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);

        List<RawRecord> gens = new ArrayList<>();
        List<RawRecord> rewards = new ArrayList<>();
        for (String id : List.of("q1", "q2")) {
            for (int i = 0; i < 3; i++) {
                gens.add(raw("tessera.generations", id, generation(id, i, 3, 10 + 7 * i, 5, 0)));
                rewards.add(raw("tessera.rewards", id, reward(id, i, i == 0 ? 1.0 : 0.2 * i, 0)));
            }
        }
        gens.add(RawRecord.of("tessera.generations", "junk".getBytes(StandardCharsets.UTF_8),
                "not avro".getBytes(StandardCharsets.UTF_8)));
        List<RawRecord> feedback = List.of(raw("tessera.feedback", "q1", preference("q1", 0, 2)));

        TypeInformation<RawRecord> type = TypeInformation.of(RawRecord.class);
        DataStream<RawRecord> g = env.fromData(gens, type);
        DataStream<RawRecord> r = env.fromData(rewards, type);
        DataStream<RawRecord> f = env.fromData(feedback, type);
        PolicyJob.Outputs out = PolicyJob.pipeline(g, r, f, cfg, policy, TestGenerators.loader());
        CloseableIterator<PolicyUpdate> updates = out.updates().collectAsync();
        CloseableIterator<DeadLetter> dead = out.deadLetters().collectAsync();
        JobClient job = env.executeAsync("policy-pipeline-test");
        List<PolicyUpdate> published = drain(updates);
        List<DeadLetter> letters = drain(dead);
        job.getJobExecutionResult().get();

        // two GRPO groups, and the preference pair when it met its generations
        assertThat(published).extracting(PolicyUpdate::getVersion).startsWith(1L, 2L);
        assertThat(published.size()).isBetween(2, 3);
        byte[] shipped;
        try (Generator gen = TestGenerators.loader().load()) {
            shipped = gen.policy().toBytes();
            for (PolicyUpdate u : published) {
                assertThat(u.getModelId()).isEqualTo(gen.modelId());
            }
        }
        PolicyUpdate last = published.get(published.size() - 1);
        byte[] weights = Files.readAllBytes(Path.of(URI.create(last.getUri())));
        assertThat(Policy.sha256(weights)).isEqualTo(last.getSha256());
        assertThat(weights).isNotEqualTo(shipped);
        try (Policy loaded = Policy.fromBytes(weights, TestGeneratorsConfig.config())) {
            assertThat(loaded.parameters()).isNotEmpty();
        }
        assertThat(letters).singleElement().satisfies(d -> {
            assertThat(d.getStage()).isEqualTo(PolicyJob.GENERATIONS_STAGE);
            assertThat(d.getReason()).startsWith("cannot decode GenerationCompleted");
        });
    }

    /** The tiny test generator's config. */
    static final class TestGeneratorsConfig {
        static io.tessera.generator.model.ModelConfig config() {
            try (Generator gen = TestGenerators.loader().load()) {
                return gen.policy().config();
            }
        }
    }

    static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
        List<T> all = new ArrayList<>();
        try (it) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    @SuppressWarnings("unused")
    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
