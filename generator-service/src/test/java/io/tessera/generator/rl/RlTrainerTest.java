package io.tessera.generator.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenGrammar;
import io.tessera.generator.model.ComputeDevice;
import io.tessera.generator.model.ModelConfig;
import io.tessera.generator.model.ModelFormatException;
import io.tessera.generator.model.Policy;
import io.tessera.generator.model.Transformer;
import io.tessera.generator.sampling.Sampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trainer on a tiny transformer in a toy bandit: reward = share of generated tokens equal to {@link #GOOD}. */
class RlTrainerTest {
    static final ModelConfig TINY = new ModelConfig(6, 16, 1, 2, 32, 16, 10_000f, -1);
    static final int GOOD = 3;
    static final int LENGTH = 6;
    static final int[] PREFIX = {0, 1};

    static RlTrainer trainer(RlConfig cfg) {
        Policy init = Policy.randomInit(TINY, 5L);
        return new RlTrainer(init.copy(), init, cfg);
    }

    static RlConfig fast() {
        return new RlConfig(1e-2f, 0f, 1f, 0.2f, 0.01f, 0.5f, 2, 1e-4f);
    }

    /** n samples of LENGTH tokens from the policy with the engine's sampler at temperature 1. */
    static List<int[]> sample(Policy policy, int n, long seed) {
        int[][] seqs = new int[n][];
        for (int i = 0; i < n; i++) {
            seqs[i] = PREFIX.clone();
        }
        try (NDManager m = NDManager.newBaseManager(ComputeDevice.get(), ComputeDevice.ENGINE)) {
            for (int pos = 0; pos < LENGTH; pos++) {
                int L = seqs[0].length;
                long[] ids = new long[n * L];
                for (int i = 0; i < n; i++) {
                    for (int t = 0; t < L; t++) {
                        ids[i * L + t] = seqs[i][t];
                    }
                }
                try (NDManager step = m.newSubManager()) {
                    NDArray logits = Transformer.forward(policy, step.create(ids, new ai.djl.ndarray.types.Shape(n, L)),
                            step); // (n, L, V)
                    float[] last = logits.get(":, -1, :").toFloatArray(); // (n, V)
                    for (int i = 0; i < n; i++) {
                        SamplingConfig sc = new SamplingConfig(1f, 0, 1f, 1f, seed * 1000 + i);
                        int tok = Sampler.sample(Arrays.copyOfRange(last, i * TINY.vocabSize(),
                                (i + 1) * TINY.vocabSize()), null, sc, TokenGrammar.unconstrained(TINY.vocabSize()),
                                pos).token();
                        seqs[i] = Arrays.copyOf(seqs[i], L + 1);
                        seqs[i][L] = tok;
                    }
                }
            }
        }
        List<int[]> out = new ArrayList<>();
        for (int[] s : seqs) {
            out.add(Arrays.copyOfRange(s, PREFIX.length, s.length));
        }
        return out;
    }

    static double reward(int[] tokens) {
        return Arrays.stream(tokens).filter(t -> t == GOOD).count() / (double) tokens.length;
    }

    static List<Rollout> group(RlTrainer trainer, int n, long seed) {
        List<Rollout> g = new ArrayList<>();
        try (Policy p = trainer.publish()) {
            for (int[] tokens : sample(p, n, seed)) {
                g.add(new Rollout(PREFIX, tokens, reward(tokens), p.version()));
            }
        }
        return g;
    }

    @Test
    void grpoRaisesTheRewardOfAToyBandit() {
        try (RlTrainer trainer = trainer(fast())) {
            double first = 0, last = 0;
            int updates = 40;
            for (int u = 0; u < updates; u++) {
                List<Rollout> g = group(trainer, 8, u);
                UpdateMetrics m = trainer.update(List.of(g));
                assertThat(m.version()).isEqualTo(u + 1);
                assertThat(m.skipped()).isFalse();
                if (u < 5) {
                    first += m.meanReward() / 5;
                } else if (u >= updates - 5) {
                    last += m.meanReward() / 5;
                }
            }
            assertThat(last).as("mean reward of the last 5 updates vs the first 5 (%.3f)", first)
                    .isGreaterThan(first + 0.25);
        }
    }

    @Test
    void klIsZeroWhenThePolicyIsTheReference() {
        RlConfig one = new RlConfig(1e-2f, 0f, 1f, 0.2f, 0.1f, 0.5f, 1, 1e-4f);
        try (RlTrainer trainer = trainer(one)) {
            UpdateMetrics m = trainer.update(List.of(group(trainer, 4, 1)));
            assertThat(m.kl()).isCloseTo(0, within(1e-7));
            assertThat(m.clipFraction()).isZero(); // rho = 1 at the first inner step
            UpdateMetrics next = trainer.update(List.of(group(trainer, 4, 2)));
            assertThat(next.kl()).isGreaterThan(0); // the policy has moved away from the reference
        }
    }

    @Test
    void snapshotRestoreGivesTheSameNextUpdate() {
        try (RlTrainer a = trainer(fast()); RlTrainer b = trainer(fast())) {
            a.update(List.of(group(a, 4, 1)));
            byte[] snap = a.snapshot();
            List<Rollout> next = group(a, 4, 2);
            UpdateMetrics ma = a.update(List.of(next));
            b.restore(snap);
            assertThat(b.version()).isEqualTo(1);
            UpdateMetrics mb = b.update(List.of(next));
            assertThat(mb.version()).isEqualTo(ma.version()).isEqualTo(2);
            assertThat(mb.loss()).isCloseTo(ma.loss(), within(1e-6));
            assertThat(mb.gradNorm()).isCloseTo(ma.gradNorm(), within(1e-5));
            try (Policy pa = a.publish(); Policy pb = b.publish()) {
                assertThat(pb.toBytes()).isEqualTo(pa.toBytes());
            }
        }
    }

    @Test
    void restoreRefusesGarbage() {
        try (RlTrainer t = trainer(fast())) {
            assertThatThrownBy(() -> t.restore(new byte[] {1, 2, 3, 4, 5}))
                    .isInstanceOf(ModelFormatException.class).hasMessageContaining("snapshot");
        }
    }

    @Test
    void publishIsAnIndependentCopyAtTheNewVersion() {
        try (RlTrainer t = trainer(fast())) {
            byte[] before;
            try (Policy p0 = t.publish()) {
                assertThat(p0.version()).isZero();
                before = p0.toBytes();
            }
            t.update(List.of(group(t, 4, 3)));
            try (Policy p1 = t.publish()) {
                assertThat(p1.version()).isEqualTo(1);
                assertThat(p1.toBytes()).isNotEqualTo(before);
            }
        }
    }

    @Test
    void dpoRaisesThePreferredSampleAgainstTheRejected() {
        int[] chosen = {GOOD, GOOD, GOOD, GOOD};
        int[] rejected = {2, 2, 2, 2};
        try (RlTrainer t = trainer(fast())) {
            double margin0 = margin(t, chosen, rejected);
            UpdateMetrics first = null;
            UpdateMetrics m = null;
            for (int i = 0; i < 10; i++) {
                m = t.updatePreferences(List.of(new PreferencePair(PREFIX, chosen, rejected)));
                if (first == null) {
                    first = m;
                }
            }
            assertThat(first.loss()).isCloseTo(Math.log(2), within(1e-5)); // policy == reference: margin 0
            assertThat(m.loss()).isLessThan(first.loss());
            assertThat(m.version()).isEqualTo(10);
            assertThat(margin(t, chosen, rejected)).isGreaterThan(margin0 + 1);
        }
    }

    private static double margin(RlTrainer t, int[] chosen, int[] rejected) {
        try (Policy p = t.publish()) {
            float[][] lp = SequenceLogProbs.of(p, List.of(PREFIX, PREFIX), List.of(chosen, rejected));
            double sum = 0;
            for (float v : lp[0]) {
                sum += v;
            }
            for (float v : lp[1]) {
                sum -= v;
            }
            return sum;
        }
    }
}
