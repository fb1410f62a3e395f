package io.tessera.jobs.policy;

import static io.tessera.jobs.policy.PolicyRecords.generation;
import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.Generator;
import io.tessera.generator.model.Policy;
import io.tessera.jobs.TestGenerators;
import io.tessera.records.PolicyUpdate;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class PolicyTrainerFunctionTest {

    static PolicyConfig config(int inlineMax, Path dir) {
        Configuration c = new Configuration();
        c.set(PolicyOptions.MAX_STALENESS, 1);
        c.set(PolicyOptions.INLINE_MAX_BYTES, inlineMax);
        c.set(PolicyOptions.WEIGHTS_DIR, dir.toString());
        c.set(PolicyOptions.LEARNING_RATE, 1e-3f);
        return PolicyConfig.from(c);
    }

    static OneInputStreamOperatorTestHarness<TrainingItem, PolicyUpdate> harness(PolicyConfig cfg) throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(new PolicyTrainerFunction(cfg, TestGenerators.loader()));
    }

    /** A 3-sample group sampled at {@code version} with rewards 1, 0, 0.5. */
    static TrainingItem group(String id, long version) {
        double[] rewards = {1, 0, 0.5};
        ScoredSample[] s = new ScoredSample[3];
        for (int i = 0; i < 3; i++) {
            s[i] = ScoredSample.of(generation(id, i, 3, 10 + 5 * i, 6, version), rewards[i]);
        }
        return TrainingItem.group(id, s);
    }

    static byte[] shippedWeights() {
        try (Generator g = TestGenerators.loader().load()) {
            return g.policy().toBytes();
        }
    }

    static byte[] weights(PolicyUpdate u) throws Exception {
        if (u.getWeights() != null) {
            ByteBuffer b = u.getWeights().duplicate();
            byte[] w = new byte[b.remaining()];
            b.get(w);
            return w;
        }
        return Files.readAllBytes(Path.of(URI.create(u.getUri())));
    }

    @Test
    void updatesPublishNewVersionsAndDropSamplesStalerThanK() throws Exception {
        Path dir = Path.of("target", "tmp", "policy-trainer-" + System.nanoTime());
        try (var h = harness(config(64 << 20, dir))) {
            h.processElement(group("a", 0), 0); // trainer v0: lag 0 -> v1
            h.processElement(group("b", 0), 0); // trainer v1: lag 1 <= K -> v2
            h.processElement(group("c", 0), 0); // trainer v2: lag 2 > K = 1: every sample dropped, no update
            h.processElement(group("d", 2), 0); // lag 0 -> v3
            List<PolicyUpdate> out = h.extractOutputValues();
            assertThat(out).extracting(PolicyUpdate::getVersion).containsExactly(1L, 2L, 3L);
            assertThat(out).extracting(PolicyUpdate::getBaseVersion).containsExactly(0L, 1L, 2L);
            byte[] shipped = shippedWeights();
            for (PolicyUpdate u : out) {
                byte[] w = weights(u);
                assertThat(u.getUri()).isNull();
                assertThat(Policy.sha256(w)).isEqualTo(u.getSha256());
                assertThat(w).isNotEqualTo(shipped);
                assertThat(u.getModelId()).startsWith("tessera-");
                assertThat(u.getMetrics()).containsKeys("loss", "kl", "meanReward", "gradNorm", "policyLag",
                        "updatesPerSecond", "reward.v0");
            }
            assertThat(out.get(2).getMetrics()).containsEntry("staleDropped", 3.0);
            assertThat(out.get(2).getMetrics().get("meanReward")).isEqualTo(0.5);
        }
    }

    @Test
    void largeWeightsGoToAFileWithTheirChecksum() throws Exception {
        Path dir = Path.of("target", "tmp", "policy-files-" + System.nanoTime());
        try (var h = harness(config(0, dir))) {
            h.processElement(group("a", 0), 0);
            PolicyUpdate u = h.extractOutputValues().get(0);
            assertThat(u.getWeights()).isNull();
            Path file = Path.of(URI.create(u.getUri()));
            assertThat(file).exists().hasFileName("default-v1.bin");
            assertThat(Policy.sha256(Files.readAllBytes(file))).isEqualTo(u.getSha256());
        }
    }

    @Test
    void restoredTrainerContinuesFromItsCheckpoint() throws Exception {
        Path dir = Path.of("target", "tmp", "policy-restore-" + System.nanoTime());
        PolicyConfig cfg = config(64 << 20, dir);
        OperatorSubtaskState state;
        PolicyUpdate expected;
        try (var h = harness(cfg)) {
            h.processElement(group("a", 0), 0);
            state = h.snapshot(1, 1);
            h.processElement(group("b", 1), 0);
            expected = h.extractOutputValues().get(1);
        }
        try (var h = new OneInputStreamOperatorTestHarness<TrainingItem, PolicyUpdate>(
                new ProcessOperator<>(new PolicyTrainerFunction(cfg, TestGenerators.loader())))) {
            h.initializeState(state);
            h.open();
            h.processElement(group("b", 1), 0);
            PolicyUpdate got = h.extractOutputValues().get(0);
            assertThat(got.getVersion()).isEqualTo(2L);
            assertThat(got.getSha256()).isEqualTo(expected.getSha256());
        }
    }
}
