package io.tessera.generator.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenGrammar;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final int V = 50;
    private static final TokenGrammar ANY = TokenGrammar.unconstrained(V);

    private static float[] logits(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] l = new float[V];
        for (int i = 0; i < V; i++) {
            l[i] = (float) (r.nextGaussian() * 2);
        }
        return l;
    }

    @Test
    void counterStreamIsAPureFunctionOfItsCoordinatesAndUniform() {
        assertThat(CounterRandom.uniform(1, 2, 0)).isEqualTo(CounterRandom.uniform(1, 2, 0));
        assertThat(CounterRandom.uniform(1, 2, 0)).isNotEqualTo(CounterRandom.uniform(1, 3, 0))
                .isNotEqualTo(CounterRandom.uniform(2, 2, 0)).isNotEqualTo(CounterRandom.uniform(1, 2, 1));
        int[] bins = new int[10];
        for (int p = 0; p < 100_000; p++) {
            double u = CounterRandom.uniform(77, p, 0);
            assertThat(u).isGreaterThanOrEqualTo(0).isLessThan(1);
            bins[(int) (u * 10)]++;
        }
        for (int b : bins) {
            assertThat(b).isBetween(9_500, 10_500);
        }
    }

    @Test
    void sameSeedPositionAndLogitsGiveTheSameToken() {
        float[] l = logits(1);
        SamplingConfig cfg = new SamplingConfig(1f, 0, 1f, 1f, 1234);
        Set<Integer> seen = new HashSet<>();
        for (int p = 0; p < 200; p++) {
            Sampler.Draw a = Sampler.sample(l, null, cfg, ANY, p);
            Sampler.Draw b = Sampler.sample(l.clone(), null, cfg, ANY, p);
            assertThat(a).isEqualTo(b);
            seen.add(a.token());
        }
        assertThat(seen.size()).as("different positions draw different tokens").isGreaterThan(10);
    }

    @Test
    void drawsFollowTheSoftmaxDistribution() {
        float[] l = {0f, (float) Math.log(3), 0f, (float) Math.log(4)}; // p = 1/9, 3/9, 1/9, 4/9
        SamplingConfig cfg = new SamplingConfig(1f, 0, 1f, 1f, 5);
        int[] counts = new int[4];
        int n = 40_000;
        for (int p = 0; p < n; p++) {
            counts[Sampler.sample(l, null, cfg, TokenGrammar.unconstrained(4), p).token()]++;
        }
        assertThat(counts[3] / (double) n).isCloseTo(4 / 9.0, within(0.015));
        assertThat(counts[1] / (double) n).isCloseTo(3 / 9.0, within(0.015));
        Sampler.Draw d = Sampler.sample(l, null, cfg, TokenGrammar.unconstrained(4), 0);
        assertThat(d.logprob()).isCloseTo((float) Math.log(new double[] {1 / 9.0, 3 / 9.0, 1 / 9.0, 4 / 9.0}[d.token()]),
                within(1e-5f));
    }

    @Test
    void topKRestrictsSupportToTheKMostLikely() {
        float[] l = logits(2);
        Set<Integer> top3 = topIds(l, 3);
        SamplingConfig cfg = new SamplingConfig(1f, 3, 1f, 1f, 9);
        Set<Integer> seen = new HashSet<>();
        for (int p = 0; p < 500; p++) {
            seen.add(Sampler.sample(l, null, cfg, ANY, p).token());
        }
        assertThat(seen).isEqualTo(top3);
    }

    /**
     * Top-k and top-p against their definition, computed here the plain way (ids sorted by descending probability,
     * ties by ascending id; keep the first k, then the shortest prefix reaching p of their mass): every draw lies
     * in the kept set and carries its log-probability renormalised over that set. Logits on a coarse grid make
     * ties, and many equal small logits exercise the cut-off among equals.
     */
    @Test
    void truncationMatchesItsDefinitionIncludingTies() {
        int n = 400;
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 40; trial++) {
            float[] l = new float[n];
            for (int i = 0; i < n; i++) {
                l[i] = trial % 2 == 0 ? Math.round(r.nextGaussian() * 4) / 2f : (float) (r.nextGaussian() * 3);
            }
            int topK = new int[] {0, 1, 7, 60}[trial % 4];
            float topP = new float[] {1f, 0.95f, 0.5f, 0.1f, 0.99f}[trial % 5];
            if (topK == 0 && topP == 1f) {
                topP = 0.8f;
            }
            SamplingConfig cfg = new SamplingConfig(0.7f, topK, topP, 1f, trial);
            double[] p = new double[n];
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, l[i] / 0.7);
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                p[i] = Math.exp(l[i] / 0.7 - max);
                sum += p[i];
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
                p[i] /= sum;
            }
            java.util.Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
            int keep = topK > 0 ? topK : n;
            double kept = 0;
            for (int k = 0; k < keep; k++) {
                kept += p[order[k]];
            }
            double acc = 0;
            for (int k = 0; k < keep; k++) {
                acc += p[order[k]];
                if (acc >= topP * kept - 1e-12) {
                    keep = k + 1;
                    break;
                }
            }
            Set<Integer> keptIds = new HashSet<>();
            double keptMass = 0;
            for (int k = 0; k < keep; k++) {
                keptIds.add(order[k]);
                keptMass += p[order[k]];
            }
            TokenGrammar any = TokenGrammar.unconstrained(n);
            for (int pos = 0; pos < 200; pos++) {
                Sampler.Draw d = Sampler.sample(l, null, cfg, any, pos);
                assertThat(keptIds).as("trial %d (top-k %d, top-p %s): kept set", trial, topK, topP).contains(d.token());
                assertThat((double) d.logprob()).isCloseTo(Math.log(p[d.token()] / keptMass), within(1e-4));
            }
        }
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        float[] l = new float[V];
        java.util.Arrays.fill(l, -20f);
        l[7] = 3f;
        l[11] = 2.5f;
        l[40] = 0f;
        // p(7) ~ 0.60, p(11) ~ 0.37: top-p 0.9 keeps {7, 11}
        SamplingConfig cfg = new SamplingConfig(1f, 0, 0.9f, 1f, 3);
        Set<Integer> seen = new HashSet<>();
        for (int p = 0; p < 500; p++) {
            seen.add(Sampler.sample(l, null, cfg, ANY, p).token());
        }
        assertThat(seen).containsExactlyInAnyOrder(7, 11);
    }

    @Test
    void nearZeroTemperatureIsArgmax() {
        for (long s = 0; s < 20; s++) {
            float[] l = logits(100 + s);
            int argmax = topIds(l, 1).iterator().next();
            Sampler.Draw d = Sampler.sample(l, null, new SamplingConfig(1e-4f, 0, 1f, 1f, s), ANY, (int) s);
            assertThat(d.token()).isEqualTo(argmax);
            assertThat(d.logprob()).isCloseTo(0f, within(1e-6f));
        }
    }

    @Test
    void grammarBoundsAreRespectedPerPosition() {
        float[] l = logits(3);
        TokenGrammar g = new TokenGrammar(new int[] {0, 20, 45}, new int[] {10, 30, 50});
        SamplingConfig cfg = new SamplingConfig(1.5f, 0, 1f, 1f, 4);
        for (int p = 0; p < 300; p++) {
            int t = Sampler.sample(l, null, cfg, g, p).token();
            assertThat(t).isGreaterThanOrEqualTo(g.lowerBound(p)).isLessThan(g.upperBound(p));
        }
    }

    @Test
    void guidanceCombinesCondAndUncondLogits() {
        float[] cond = logits(4);
        float[] uncond = logits(5);
        float s = 3f;
        float[] combined = new float[V];
        for (int i = 0; i < V; i++) {
            combined[i] = uncond[i] + s * (cond[i] - uncond[i]);
        }
        SamplingConfig guided = new SamplingConfig(0.8f, 0, 1f, s, 21);
        SamplingConfig plain = new SamplingConfig(0.8f, 0, 1f, 1f, 21);
        for (int p = 0; p < 100; p++) {
            Sampler.Draw a = Sampler.sample(cond, uncond, guided, ANY, p);
            Sampler.Draw b = Sampler.sample(combined, null, plain, ANY, p);
            assertThat(a.token()).isEqualTo(b.token());
            assertThat(a.logprob()).isCloseTo(b.logprob(), within(1e-4f));
        }
        // scale 1 reduces to the conditional logits
        assertThat(Sampler.sample(cond, uncond, plain, ANY, 3)).isEqualTo(Sampler.sample(cond, null, plain, ANY, 3));
    }

    private static Set<Integer> topIds(float[] l, int k) {
        Set<Integer> ids = new HashSet<>();
        boolean[] taken = new boolean[l.length];
        for (int r = 0; r < k; r++) {
            int best = -1;
            for (int i = 0; i < l.length; i++) {
                if (!taken[i] && (best < 0 || l[i] > l[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            ids.add(best);
        }
        return ids;
    }
}
