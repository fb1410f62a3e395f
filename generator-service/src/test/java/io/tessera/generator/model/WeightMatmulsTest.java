package io.tessera.generator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WeightMatmulsTest {

    @Test
    void timesEveryWeightMatrixForOneRowAndForRowRanges() {
        try (Policy p = Policy.randomInit(TinyModels.TINY, 1)) {
            double one = WeightMatmuls.secondsPerStep(p, 1, 1, 4);
            double split = WeightMatmuls.secondsPerStep(p, 19, 2, 4); // ranges of 9 and 10 rows on two threads
            assertThat(one).isPositive().isFinite();
            assertThat(split).isPositive().isFinite();
        }
    }

    @Test
    void rejectsNoRowsAndNoSteps() {
        try (Policy p = Policy.randomInit(TinyModels.TINY, 1)) {
            assertThatThrownBy(() -> WeightMatmuls.secondsPerStep(p, 0, 1, 4))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows");
            assertThatThrownBy(() -> WeightMatmuls.secondsPerStep(p, 1, 1, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("steps");
        }
    }
}
