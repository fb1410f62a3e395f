package io.tessera.generator.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.tessera.generator.model.AdditiveCodes;
import io.tessera.generator.model.ComputeDevice;
import io.tessera.generator.model.ModelConfig;
import io.tessera.generator.model.Policy;
import io.tessera.generator.model.Transformer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PretrainerTest {
    static final ModelConfig TINY = new ModelConfig(64, 32, 2, 4, 64, 64, 10_000f, -1);

    /** Trivially learnable: each row counts up by one from a random start (mod 64); the first 4 tokens are not targets. */
    static final SequenceSource COUNTING = (seed, step, batchSize, maxTokens) -> {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003 + step);
        int[][] tokens = new int[batchSize][];
        boolean[][] mask = new boolean[batchSize][];
        for (int b = 0; b < batchSize; b++) {
            int len = maxTokens - r.nextInt(4); // ragged rows exercise padding
            int start = r.nextInt(64);
            tokens[b] = new int[len];
            mask[b] = new boolean[len];
            for (int t = 0; t < len; t++) {
                tokens[b][t] = (start + t) % 64;
                mask[b][t] = t >= 4;
            }
        }
        return TrainingBatch.masked(tokens, mask);
    };

    @TempDir
    Path dir;

    static TrainOptions options(Path dir, int steps) {
        return new TrainOptions(steps, 8, 24, 1e-2f, 5L, dir, 5, 5, 3, 0.01f, 1.0f);
    }

    @Test
    void anAdditiveBlockStaysAdditiveThroughTraining() {
        AdditiveCodes block = new AdditiveCodes(8, 4, 8); // ids 8..39 of 64
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (Policy constrained = new Pretrainer(options(dir.resolve("additive"), 6), COUNTING, block)
                .train(Policy.randomInit(TINY, 1), out);
                Policy free = new Pretrainer(options(dir.resolve("free"), 6), COUNTING)
                        .train(Policy.randomInit(TINY, 1), out)) {
            assertThat(logitInteraction(free, block)).as("without the constraint").isGreaterThan(0.01);
            assertThat(logitInteraction(constrained, block)).as("with it").isLessThan(1e-4);
        }
    }

    /** Largest |l(a,b) - l(a,0) - l(0,b) + l(0,0)| over the block's logits at every position of one sequence. */
    private static double logitInteraction(Policy p, AdditiveCodes block) {
        try (NDManager m = NDManager.newBaseManager(ComputeDevice.ENGINE)) {
            int v = p.config().vocabSize();
            float[] logits = Transformer.forward(p,
                    m.create(new int[] {3, 17, 30, 41, 9}, new ai.djl.ndarray.types.Shape(1, 5)), m).toFloatArray();
            double worst = 0;
            for (int t = 0; t < 5; t++) {
                for (int a = 0; a < block.as(); a++) {
                    for (int b = 0; b < block.bs(); b++) {
                        int base = t * v + block.first();
                        int ab = base + a * block.bs() + b, a0 = base + a * block.bs(), zb = base + b;
                        worst = Math.max(worst, Math.abs(logits[ab] - logits[a0] - logits[zb] + logits[base]));
                    }
                }
            }
            return worst;
        }
    }

    @Test
    void lossDropsOnATriviallyLearnableSource() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        Pretrainer first = new Pretrainer(options(dir.resolve("a"), 1), COUNTING);
        Policy p = first.train(Policy.randomInit(TINY, 1), out);
        float initial = first.lastLoss();
        assertThat(initial).isGreaterThan(3.5f); // ~ln(64) = 4.16 for an untrained model
        p.close();
        Pretrainer trainer = new Pretrainer(options(dir.resolve("b"), 30), COUNTING);
        try (Policy trained = trainer.train(Policy.randomInit(TINY, 1), out)) {
            assertThat(trainer.lastLoss()).as("loss after 30 steps").isLessThan(initial * 0.3f);
            assertThat(trained.version()).isEqualTo(30);
        }
        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("step 30/30").contains("tokens/s").contains("eta");
    }

    @Test
    void theLossIsAWeightedMeanSoUniformWeightsDoNotChangeIt() {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        SequenceSource tripled = (seed, step, batchSize, maxTokens) -> {
            TrainingBatch b = COUNTING.batch(seed, step, batchSize, maxTokens);
            float[][] w = new float[b.lossWeight().length][];
            for (int i = 0; i < w.length; i++) {
                w[i] = b.lossWeight()[i].clone();
                for (int t = 0; t < w[i].length; t++) {
                    w[i][t] *= 3f;
                }
            }
            return new TrainingBatch(b.tokens(), w);
        };
        Pretrainer plain = new Pretrainer(options(dir.resolve("plain"), 1), COUNTING);
        Pretrainer scaled = new Pretrainer(options(dir.resolve("scaled"), 1), tripled);
        plain.train(Policy.randomInit(TINY, 1), out).close();
        scaled.train(Policy.randomInit(TINY, 1), out).close();
        assertThat(scaled.lastLoss()).isCloseTo(plain.lastLoss(), org.assertj.core.data.Offset.offset(1e-4f));
    }

    @Test
    void nonFiniteStepsAreSkippedAndTooManyInARowStopTraining() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        Policy poisoned = Policy.randomInit(TINY, 1);
        poisoned.parameters().get(0).muli(Float.NaN); // every loss is NaN from here on
        Pretrainer trainer = new Pretrainer(options(dir.resolve("nan"), 20), COUNTING);
        assertThatThrownBy(() -> trainer.train(poisoned, out))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(Pretrainer.MAX_NON_FINITE_IN_A_ROW + " steps in a row");
        assertThat(trainer.skippedSteps()).isEqualTo(Pretrainer.MAX_NON_FINITE_IN_A_ROW);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("step 1 skipped: loss NaN");
    }

    @Test
    void resumeContinuesFromTheCheckpointStepAndMatchesAnUninterruptedRun() {
        assertResumeMatchesAnUninterruptedRun(dir.resolve("plain"), 0f);
    }

    @Test
    void withDropoutAResumedRunDrawsTheSameMasksAsAnUninterruptedOne() {
        byte[] dropped = assertResumeMatchesAnUninterruptedRun(dir.resolve("dropout"), 0.2f);
        byte[] plain = assertResumeMatchesAnUninterruptedRun(dir.resolve("plain"), 0f);
        assertThat(dropped).as("the trainer applies the dropout it is given").isNotEqualTo(plain);
        assertThatThrownBy(() -> new Pretrainer(options(dir, 1), COUNTING).withDropout(1f))
                .hasMessageContaining("--dropout");
    }

    /** Returns the uninterrupted run's weights. */
    private static byte[] assertResumeMatchesAnUninterruptedRun(Path dir, float dropout) {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Pretrainer straight = new Pretrainer(options(dir.resolve("straight"), 14), COUNTING).withDropout(dropout);
        byte[] expected;
        try (Policy p = straight.train(Policy.randomInit(TINY, 1), out)) {
            expected = p.toBytes();
        }
        Path ckpt = dir.resolve("interrupted");
        new Pretrainer(options(ckpt, 14), COUNTING).withDropout(dropout).train(Policy.randomInit(TINY, 1), out, 10)
                .close(); // interrupted at 10
        assertThat(Pretrainer.latestCheckpointStep(ckpt)).isEqualTo(10);

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Pretrainer resumed = new Pretrainer(options(ckpt, 14), COUNTING).withDropout(dropout);
        // the initial weights passed in are replaced by the checkpoint's
        try (Policy p = resumed.train(Policy.randomInit(TINY, 999), new PrintStream(log, true, StandardCharsets.UTF_8))) {
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("at step 10").doesNotContain("step 5/14")
                    .contains("step 14/14");
            assertThat(Pretrainer.latestCheckpointStep(ckpt)).isEqualTo(14);
            assertThat(resumed.lastLoss()).isCloseTo(straight.lastLoss(), org.assertj.core.data.Offset.offset(1e-4f));
            float maxDiff = 0;
            try (Policy straightWeights = Policy.fromBytes(expected, TINY)) {
                for (int k = 0; k < p.parameters().size(); k++) {
                    float[] a = p.parameters().get(k).toFloatArray();
                    float[] b = straightWeights.parameters().get(k).toFloatArray();
                    for (int i = 0; i < a.length; i++) {
                        maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
                    }
                }
            }
            assertThat(maxDiff).as("resumed vs uninterrupted weights").isLessThan(1e-4f);
        }
        assertThatThrownBy(() -> new Pretrainer(new TrainOptions(20, 8, 24, 1e-2f, 6L, ckpt, 5, 5, 3, 0.01f, 1.0f),
                COUNTING).train(Policy.randomInit(TINY, 1), out)).hasMessageContaining("--seed 5");
        return expected;
    }

    @Test
    void optionsParseFlagsAndRejectBadOnes() {
        TrainOptions o = TrainOptions.parse(new String[] {"--steps", "100", "--batch", "4", "--seq-len", "128", "--lr",
                "0.002", "--seed", "9"}, TrainOptions.defaults(dir));
        assertThat(o.steps()).isEqualTo(100);
        assertThat(o.batch()).isEqualTo(4);
        assertThat(o.seqLen()).isEqualTo(128);
        assertThat(o.lr()).isEqualTo(0.002f);
        assertThat(o.seed()).isEqualTo(9);
        assertThatThrownBy(() -> TrainOptions.parse(new String[] {"--stepz", "1"}, o)).hasMessageContaining("unknown");
        assertThatThrownBy(() -> TrainOptions.parse(new String[] {"--steps", "0"}, o)).hasMessageContaining("--steps");
        assertThatThrownBy(() -> TrainOptions.parse(new String[] {"--lr", "x"}, o)).hasMessageContaining("number");
    }
}
