package io.tessera.generator.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.tessera.generator.model.ComputeDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GRPO and DPO losses against numbers worked out by hand. */
class LossesTest {
    private NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager(ComputeDevice.get(), ComputeDevice.ENGINE);
    }

    @AfterEach
    void close() {
        m.close();
    }

    private NDArray bt(float... v) {
        return m.create(v, new Shape(2, 3)); // (B=2, T=3); column 2 is padding
    }

    @Test
    void clippedSurrogateOnBothSidesOfTheClip() {
        // sample 0: A = +1, rho = (1.5, 0.9): min(1.5, 1.2) = 1.2 (clipped above), min(0.9, 0.9) = 0.9
        // sample 1: A = -1, rho = (0.5, 1.1): min(-0.5, -0.8) = -0.8 (clipped below), min(-1.1, -1.1) = -1.1
        // loss = -mean(mean(1.2, 0.9), mean(-0.8, -1.1)) = -mean(1.05, -0.95) = -0.05; 2 of 4 tokens clipped
        NDArray logpNew = bt((float) Math.log(1.5), (float) Math.log(0.9), 7f,
                (float) Math.log(0.5), (float) Math.log(1.1), -9f);
        logpNew.setRequiresGradient(true);
        NDArray old = bt(0, 0, 3, 0, 0, 3);
        NDArray mask = bt(1, 1, 0, 1, 1, 0);
        NDArray counts = m.create(new float[] {2, 2});
        NDArray adv = m.create(new float[] {1, -1});
        GrpoLoss.Result r;
        try (GradientCollector gc = Engine.getEngine(ComputeDevice.ENGINE).newGradientCollector()) {
            r = GrpoLoss.compute(logpNew, old, logpNew.duplicate(), adv, mask, counts, 0.2f, 0.1f);
            gc.backward(r.loss());
        }
        assertThat(r.loss().getFloat()).isCloseTo(-0.05f, within(1e-6f));
        assertThat(r.clipFraction().getFloat()).isCloseTo(0.5f, within(1e-6f));
        assertThat(r.kl().getFloat()).isCloseTo(0f, within(1e-7f));
        // d loss / d logp = -(1/B)(1/T_i) rho A where the unclipped term is active, 0 where the clip is
        float[] g = logpNew.getGradient().toFloatArray();
        assertThat(g[0]).isCloseTo(0f, within(1e-7f));
        assertThat(g[1]).isCloseTo(-0.25f * 0.9f, within(1e-6f));
        assertThat(g[2]).isCloseTo(0f, within(1e-7f));
        assertThat(g[3]).isCloseTo(0f, within(1e-7f));
        assertThat(g[4]).isCloseTo(0.25f * 1.1f, within(1e-6f));
    }

    @Test
    void k3KlPenaltyAgainstTheReference() {
        // A = 0, rho = 1; ref - new = (0.5, -0.5) in both rows:
        // k3(0.5) = e^0.5 - 1.5 = 0.1487213, k3(-0.5) = e^-0.5 - 0.5 = 0.1065307, mean 0.1276260
        NDArray logpNew = bt(-1, -2, 0, -1, -2, 0);
        NDArray ref = bt(-0.5f, -2.5f, 5, -0.5f, -2.5f, 5);
        NDArray mask = bt(1, 1, 0, 1, 1, 0);
        GrpoLoss.Result r = GrpoLoss.compute(logpNew, logpNew.duplicate(), ref, m.create(new float[] {0, 0}), mask,
                m.create(new float[] {2, 2}), 0.2f, 0.1f);
        assertThat(r.kl().getFloat()).isCloseTo(0.1276260f, within(1e-6f));
        assertThat(r.loss().getFloat()).isCloseTo(0.1f * 0.1276260f, within(1e-6f));
        assertThat(r.clipFraction().getFloat()).isZero();
    }

    @Test
    void dpoLossByHand() {
        // pair 0: beta * ((-1 - -2) - (-3 - -2.5)) = 0.5 * 1.5 = 0.75, loss log(1 + e^-0.75) = 0.3868710
        // pair 1: beta * ((-2 - -1) - (-1 - -1)) = -0.5, loss log(1 + e^0.5) = 0.9740770
        DpoLoss.Result r = DpoLoss.compute(m.create(new float[] {-1, -2}), m.create(new float[] {-2, -1}),
                m.create(new float[] {-3, -1}), m.create(new float[] {-2.5f, -1}), 0.5f);
        assertThat(r.loss().getFloat()).isCloseTo((0.3868710f + 0.9740770f) / 2, within(1e-6f));
        assertThat(r.accuracy().getFloat()).isCloseTo(0.5f, within(1e-7f));
        assertThat(r.margin().getFloat()).isCloseTo(0.125f, within(1e-6f));
    }

    @Test
    void dpoLossStaysFiniteForHugeMargins() {
        DpoLoss.Result r = DpoLoss.compute(m.create(new float[] {0, -500}), m.create(new float[] {-500, 0}),
                m.create(new float[] {-500, 0}), m.create(new float[] {0, -500}), 1f);
        float[] loss = {r.loss().getFloat()};
        assertThat(loss[0]).isCloseTo(500f, within(1e-3f)); // (0 + 1000) / 2
    }
}
