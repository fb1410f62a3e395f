package io.tessera.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.generator.train.SequenceSource;
import io.tessera.generator.train.TrainingBatch;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ContextNoiseTest {
    // A toy vocabulary: ids 0..9 other tokens, 10 the empty patch, 11..22 painted codes (4 masks x 3 colours).
    static final int EMPTY = 10;
    static final int MASKS = 4;
    static final int COLOURS = 3;

    /** Rows of 4 prefix tokens (weight 0) then 60 generated ones: painted, empty and a non-video id in turn. */
    static final SequenceSource SOURCE = (seed, step, batchSize, maxTokens) -> {
        int[][] tokens = new int[batchSize][];
        float[][] weights = new float[batchSize][];
        for (int b = 0; b < batchSize; b++) {
            int[] row = new int[64];
            float[] w = new float[64];
            for (int t = 0; t < 64; t++) {
                row[t] = t < 4 ? 11 + t : switch (t % 3) {
                    case 0 -> 11 + (t % 12);
                    case 1 -> EMPTY;
                    default -> 3;
                };
                w[t] = t < 4 ? 0f : 1f;
            }
            tokens[b] = row;
            weights[b] = w;
        }
        return new TrainingBatch(tokens, weights);
    };

    @Test
    void onlyGeneratedVideoInputsChangeAndTheTargetsStayClean() {
        ContextNoise noise = new ContextNoise(SOURCE, 0.5, EMPTY, MASKS, COLOURS);
        TrainingBatch clean = SOURCE.batch(1, 7, 16, 64);
        TrainingBatch noisy = noise.batch(1, 7, 16, 64);
        assertThat(noisy.tokens()).isDeepEqualTo(clean.tokens());
        assertThat(noisy.lossWeight()).isDeepEqualTo(clean.lossWeight());
        int changed = 0;
        for (int b = 0; b < 16; b++) {
            for (int t = 0; t < 64; t++) {
                int was = clean.tokens()[b][t];
                int now = noisy.inputs()[b][t];
                if (t < 4 || was == 3) {
                    assertThat(now).as("prefix and non-video tokens are never touched").isEqualTo(was);
                } else if (now != was) {
                    changed++;
                    assertThat(isError(was, now)).as("%d -> %d is one of the sampler's errors", was, now).isTrue();
                }
            }
        }
        assertThat(changed).isPositive();
    }

    @Test
    void ratesFollowTheRowDrawAndEmptyPatchesTurnIntoBlobsLessOften() {
        double maxRate = 0.4;
        TrainingBatch clean = SOURCE.batch(3, 0, 400, 64);
        TrainingBatch noisy = new ContextNoise(SOURCE, maxRate, EMPTY, MASKS, COLOURS).batch(3, 0, 400, 64);
        int painted = 0;
        int paintedChanged = 0;
        int empty = 0;
        int emptyChanged = 0;
        for (int b = 0; b < 400; b++) {
            for (int t = 4; t < 64; t++) {
                int was = clean.tokens()[b][t];
                boolean changed = noisy.inputs()[b][t] != was;
                if (was == EMPTY) {
                    empty++;
                    emptyChanged += changed ? 1 : 0;
                } else if (was != 3) {
                    painted++;
                    paintedChanged += changed ? 1 : 0;
                }
            }
        }
        // rates are uniform in [0, maxRate]: on average maxRate / 2 for painted codes, a quarter of that for empty ones
        assertThat(paintedChanged / (double) painted).isBetween(0.17, 0.23);
        assertThat(emptyChanged / (double) empty).isBetween(0.035, 0.065);
    }

    @Test
    void aBatchIsAFunctionOfSeedAndStepAndRateZeroIsTheCleanBatch() {
        ContextNoise noise = new ContextNoise(SOURCE, 0.3, EMPTY, MASKS, COLOURS);
        assertThat(noise.batch(2, 5, 8, 64).inputs()).isDeepEqualTo(noise.batch(2, 5, 8, 64).inputs());
        assertThat(noise.batch(2, 5, 8, 64).inputs()).isNotEqualTo(noise.batch(2, 6, 8, 64).inputs());
        TrainingBatch none = new ContextNoise(SOURCE, 0, EMPTY, MASKS, COLOURS).batch(2, 5, 8, 64);
        assertThat(none.inputs()).isDeepEqualTo(none.tokens());
        assertThatThrownBy(() -> new ContextNoise(SOURCE, 1.0, EMPTY, MASKS, COLOURS)).hasMessageContaining("[0, 1)");
    }

    /** The empty patch, the same mask in another colour or another mask in the same colour; any painted code for an empty one. */
    static boolean isError(int was, int now) {
        if (now < EMPTY || now > EMPTY + MASKS * COLOURS || now == was) {
            return false;
        }
        if (was == EMPTY) {
            return now != EMPTY;
        }
        if (now == EMPTY) {
            return true;
        }
        int m0 = (was - EMPTY - 1) / COLOURS;
        int c0 = (was - EMPTY - 1) % COLOURS;
        int m1 = (now - EMPTY - 1) / COLOURS;
        int c1 = (now - EMPTY - 1) % COLOURS;
        return (m0 == m1) != (c0 == c1);
    }

    @Test
    void theErrorCheckItselfRefusesAnUnrelatedCode() {
        // mask 0 colour 0 (id 11) -> mask 1 colour 1 (id 15): both changed, not an error the source makes
        assertThat(isError(11, 15)).isFalse();
        assertThat(isError(11, 12)).isTrue();
        assertThat(isError(11, 14)).isTrue();
        assertThat(Arrays.asList(isError(EMPTY, 17), isError(11, EMPTY))).containsOnly(true);
    }
}
