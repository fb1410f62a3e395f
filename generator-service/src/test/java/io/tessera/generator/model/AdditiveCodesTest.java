package io.tessera.generator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class AdditiveCodesTest {
    /** Ids 10..29 of TINY's 300: five values of the first factor times four of the second. */
    private static final AdditiveCodes BLOCK = new AdditiveCodes(10, 5, 4);

    @Test
    void projectionMakesTheBlockAdditiveAndLeavesEveryOtherIdAlone() {
        try (Policy p = Policy.randomInit(TinyModels.TINY, 3)) {
            float[][] embBefore = rows(p.weights().tokenEmbedding);
            float[][] outBefore = rows(p.weights().output.transpose());
            assertThat(maxInteraction(embBefore)).as("random init is not additive").isGreaterThan(0.01);

            BLOCK.project(p);

            float[][] emb = rows(p.weights().tokenEmbedding);
            float[][] out = rows(p.weights().output.transpose());
            assertThat(maxInteraction(emb)).isLessThan(1e-5);
            assertThat(maxInteraction(out)).isLessThan(1e-5);
            for (int id = 0; id < emb.length; id++) {
                if (id < BLOCK.first() || id >= BLOCK.first() + BLOCK.size()) {
                    assertThat(emb[id]).as("embedding row %d", id).isEqualTo(embBefore[id]);
                    assertThat(out[id]).as("output column %d", id).isEqualTo(outBefore[id]);
                }
            }
            BLOCK.project(p);
            float[][] twice = rows(p.weights().tokenEmbedding);
            for (int id = 0; id < emb.length; id++) {
                for (int d = 0; d < emb[id].length; d++) {
                    assertThat(twice[id][d]).isCloseTo(emb[id][d], org.assertj.core.data.Offset.offset(1e-6f));
                }
            }
        }
    }

    @Test
    void theFitKeepsAnAdditiveGridAndLeavesAResidualWithZeroRowAndColumnSums() {
        try (NDManager m = NDManager.newBaseManager(ComputeDevice.ENGINE)) {
            int as = 3, bs = 4, dims = 2;
            float[] additive = new float[as * bs * dims];
            float[] mixed = new float[as * bs * dims];
            for (int a = 0; a < as; a++) {
                for (int b = 0; b < bs; b++) {
                    for (int d = 0; d < dims; d++) {
                        int i = (a * bs + b) * dims + d;
                        additive[i] = (a + 1) * (d + 1) - 2f * b;
                        mixed[i] = additive[i] + a * b * (d - 0.5f); // plus an interaction
                    }
                }
            }
            float[] fitOfAdditive =
                    AdditiveCodes.additiveFit(m.create(additive, new Shape(as, bs, dims))).toFloatArray();
            for (int i = 0; i < additive.length; i++) {
                assertThat(fitOfAdditive[i]).isCloseTo(additive[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
            NDArray grid = m.create(mixed, new Shape(as, bs, dims));
            NDArray residual = grid.sub(AdditiveCodes.additiveFit(grid)); // orthogonal to every u(a) + v(b)
            assertThat(residual.abs().max().getFloat()).isGreaterThan(0.1f);
            assertThat(residual.sum(new int[] {0}).abs().max().getFloat()).isLessThan(1e-5f);
            assertThat(residual.sum(new int[] {1}).abs().max().getFloat()).isLessThan(1e-5f);
        }
    }

    @Test
    void aBlockOutsideTheVocabularyOrWithOneValuedFactorsIsRefused() {
        try (Policy p = Policy.randomInit(TinyModels.TINY, 3)) {
            assertThatThrownBy(() -> new AdditiveCodes(290, 5, 4).project(p)).hasMessageContaining("exceeds");
        }
        assertThatThrownBy(() -> new AdditiveCodes(0, 1, 4)).hasMessageContaining("two factors");
    }

    /** Largest |x(a,b) - x(a,0) - x(0,b) + x(0,0)| over the block: 0 exactly when the block is additive. */
    private static double maxInteraction(float[][] rows) {
        double worst = 0;
        for (int a = 0; a < BLOCK.as(); a++) {
            for (int b = 0; b < BLOCK.bs(); b++) {
                float[] ab = rows[BLOCK.first() + a * BLOCK.bs() + b];
                float[] a0 = rows[BLOCK.first() + a * BLOCK.bs()];
                float[] zb = rows[BLOCK.first() + b];
                float[] z0 = rows[BLOCK.first()];
                for (int d = 0; d < ab.length; d++) {
                    worst = Math.max(worst, Math.abs(ab[d] - a0[d] - zb[d] + z0[d]));
                }
            }
        }
        return worst;
    }

    /** A (n, D) array as n rows. */
    private static float[][] rows(NDArray a) {
        int n = Math.toIntExact(a.getShape().get(0)), d = Math.toIntExact(a.getShape().get(1));
        float[] flat = a.toFloatArray();
        float[][] r = new float[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, r[i], 0, d);
        }
        return r;
    }
}
