package io.tessera.generator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransformerTest {

    /** Last-position logits of a full recomputation over {@code seq}. */
    static float[] fullLastLogits(Policy p, int[] seq) {
        try (NDManager m = NDManager.newBaseManager(p.device(), ComputeDevice.ENGINE)) {
            long[] ids = new long[seq.length];
            for (int i = 0; i < seq.length; i++) {
                ids[i] = seq[i];
            }
            NDArray logits = Transformer.forward(p, m.create(ids, new Shape(1, seq.length)), m);
            return logits.get("0, {}", seq.length - 1).toFloatArray();
        }
    }

    /**
     * RoPE against the textbook rotation of each pair (j, j + hd/2) by the angle t * theta^(-2j/hd): q is rotated and
     * scaled by 1/sqrt(hd), k is rotated, v passes unchanged.
     */
    @Test
    void ropeRotatesEachPairOfQueryAndKeyDimensionsByItsPositionsAngle() {
        ModelConfig c = TinyModels.TINY;
        int T = 5, H = c.heads(), hd = c.headDim(), half = hd / 2;
        float[] x = new float[T * 3 * H * hd];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Transformer.Rope rope = Transformer.Rope.create(c, m);
            float[] got = Transformer.rotate(m.create(x, new Shape(1, T, 3, H, hd)), rope.cos.get("0:{}", T),
                    rope.sin.get("0:{}", T)).toFloatArray();
            for (int t = 0; t < T; t++) {
                for (int part = 0; part < 3; part++) {
                    double scale = part == 0 ? 1 / Math.sqrt(hd) : 1;
                    for (int h = 0; h < H; h++) {
                        int at = ((t * 3 + part) * H + h) * hd;
                        for (int j = 0; j < half; j++) {
                            double angle = part == 2 ? 0 : t * Math.pow(c.ropeTheta(), -2.0 * j / hd);
                            double a = x[at + j], b = x[at + j + half];
                            assertThat(got[at + j]).as("t=%d part=%d h=%d j=%d", t, part, h, j)
                                    .isCloseTo((float) (scale * (a * Math.cos(angle) - b * Math.sin(angle))),
                                            within(1e-5f));
                            assertThat(got[at + j + half]).as("t=%d part=%d h=%d j=%d", t, part, h, j + half)
                                    .isCloseTo((float) (scale * (b * Math.cos(angle) + a * Math.sin(angle))),
                                            within(1e-5f));
                        }
                    }
                }
            }
        }
    }

    @Test
    void kvCacheDecodingEqualsFullRecomputationForSlotsOfDifferentLengths() {
        assertDecodingEqualsFullRecomputation(new int[] {5, 11, 1, 8}, 1);
    }

    /** 19 rows in two ranges of 9 and 10 (each range's prefill and decode on its own thread): the same oracle. */
    @Test
    void shardedStepsEqualFullRecomputation() {
        int[] prefixLengths = new int[19];
        for (int s = 0; s < prefixLengths.length; s++) {
            prefixLengths[s] = 1 + (s * 7) % 13;
        }
        assertThat(Shards.count(prefixLengths.length, 2)).isEqualTo(2);
        assertDecodingEqualsFullRecomputation(prefixLengths, 2);
    }

    /** Slot s starts with {@code prefixLengths[s]} random tokens; six decode steps each match a full forward. */
    private static void assertDecodingEqualsFullRecomputation(int[] prefixLengths, int maxShards) {
        ModelConfig c = TinyModels.TINY;
        SplittableRandom rnd = new SplittableRandom(7);
        int[] slots = new int[prefixLengths.length];
        for (int s = 0; s < slots.length; s++) {
            slots[s] = s;
        }
        try (Policy p = Policy.randomInit(c, 42); KvCache cache = new KvCache(p, slots.length, 64, maxShards)) {
            List<List<Integer>> seqs = new ArrayList<>();
            int[][] rows = new int[prefixLengths.length][];
            for (int s = 0; s < prefixLengths.length; s++) {
                List<Integer> seq = new ArrayList<>();
                for (int i = 0; i < prefixLengths[s]; i++) {
                    seq.add(rnd.nextInt(c.vocabSize()));
                }
                seqs.add(seq);
                // cache holds all but the last token; decode feeds the last one
                rows[s] = toArray(seq.subList(0, seq.size() - 1));
            }
            cache.prefill(p, slots, rows); // right-padded batches; a slot of one token caches nothing
            for (int stepNo = 0; stepNo < 6; stepNo++) {
                int n = prefixLengths.length;
                int[] tokens = new int[n];
                int[] positions = new int[n];
                for (int s = 0; s < n; s++) {
                    List<Integer> seq = seqs.get(s);
                    tokens[s] = seq.get(seq.size() - 1);
                    positions[s] = seq.size() - 1;
                }
                float[] batched = cache.decode(p, tokens, positions);
                int V = c.vocabSize();
                for (int s = 0; s < n; s++) {
                    float[] expected = fullLastLogits(p, toArray(seqs.get(s)));
                    float[] got = java.util.Arrays.copyOfRange(batched, s * V, (s + 1) * V);
                    for (int v = 0; v < V; v++) {
                        assertThat(got[v]).as("slot %d step %d logit %d", s, stepNo, v)
                                .isCloseTo(expected[v], org.assertj.core.data.Offset.offset(1e-4f));
                    }
                    seqs.get(s).add(rnd.nextInt(V));
                }
            }
        }
    }

    @Test
    void movedSlotDecodesLikeTheOriginal() {
        ModelConfig c = TinyModels.TINY;
        try (Policy p = Policy.randomInit(c, 3); KvCache cache = new KvCache(p, 3, 32)) {
            int[] seq = {4, 8, 15, 16, 23, 42};
            cache.prefill(p, 2, java.util.Arrays.copyOf(seq, 5));
            cache.moveSlot(2, 0, 5);
            float[] got = cache.decode(p, new int[] {42}, new int[] {5});
            float[] expected = fullLastLogits(p, seq);
            for (int v = 0; v < c.vocabSize(); v++) {
                assertThat(got[v]).isCloseTo(expected[v], org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    @Test
    void decodeStepsLeaveNoArraysOnLongLivedManagers() {
        try (Policy p = Policy.randomInit(TinyModels.TINY, 4); KvCache cache = new KvCache(p, 3, 64)) {
            cache.prefill(p, 0, new int[] {1, 2, 3});
            cache.prefill(p, 1, new int[] {4});
            cache.decode(p, new int[] {5, 6}, new int[] {3, 1}); // first use creates the RoPE tables
            int weights = p.managedArrays();
            int cached = cache.managedArrays();
            for (int i = 0; i < 400; i++) {
                int pos = 4 + i % 50;
                cache.decode(p, new int[] {i % 300, (i * 7) % 300}, new int[] {pos, pos - 2});
                if (i % 100 == 0) {
                    cache.prefill(p, 2, new int[] {9, 9, 9});
                    cache.moveSlot(2, 1, 3);
                }
            }
            assertThat(p.managedArrays()).isEqualTo(weights);
            assertThat(cache.managedArrays()).isEqualTo(cached);
        }
    }

    @Test
    void rejectsSequencesLongerThanTheModel() {
        try (Policy p = Policy.randomInit(TinyModels.TINY, 1); NDManager m = NDManager.newBaseManager()) {
            NDArray tooLong = m.zeros(new Shape(1, TinyModels.TINY.maxSeqLen() + 1), ai.djl.ndarray.types.DataType.INT64);
            assertThatThrownBy(() -> Transformer.forward(p, tooLong, m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxSeqLen");
        }
    }

    /** Dropout 0 is the plain forward; a positive rate changes the logits, reproducibly for one engine seed. */
    @Test
    void residualDropoutIsOffAtZeroAndSeededOtherwise() {
        try (Policy p = Policy.randomInit(TinyModels.TINY, 1); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = m.create(new long[] {3, 1, 4, 1, 5, 9, 2, 6}, new Shape(1, 8));
            float[] plain = Transformer.forward(p, ids, m).toFloatArray();
            assertThat(Transformer.forward(p, ids, m, 0f).toFloatArray()).containsExactly(plain);
            ai.djl.engine.Engine engine = ai.djl.engine.Engine.getEngine(ComputeDevice.ENGINE);
            engine.setRandomSeed(7);
            float[] dropped = Transformer.forward(p, ids, m, 0.3f).toFloatArray();
            engine.setRandomSeed(7);
            assertThat(Transformer.forward(p, ids, m, 0.3f).toFloatArray()).containsExactly(dropped);
            assertThat(dropped).isNotEqualTo(plain);
            assertThatThrownBy(() -> Transformer.forward(p, ids, m, 1f)).hasMessageContaining("dropout");
        }
    }

    static int[] toArray(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }
}
