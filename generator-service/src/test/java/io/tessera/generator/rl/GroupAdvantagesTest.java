package io.tessera.generator.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GroupAdvantagesTest {

    @Test
    void normalisesByGroupMeanAndStd() {
        // r = (1, 2, 3): mean 2, population std sqrt(2/3) = 0.816497
        double[] a = GroupAdvantages.of(new double[] {1, 2, 3}, 1e-4);
        double s = Math.sqrt(2.0 / 3) + 1e-4;
        assertThat(a[0]).isCloseTo(-1 / s, within(1e-9));
        assertThat(a[1]).isCloseTo(0, within(1e-12));
        assertThat(a[2]).isCloseTo(1 / s, within(1e-9));
        assertThat(a[2]).isCloseTo(1.224594, within(1e-5));
    }

    @Test
    void singleSampleOrFlatGroupGivesZero() {
        assertThat(GroupAdvantages.of(new double[] {0.7}, 1e-4)).containsExactly(0.0);
        assertThat(GroupAdvantages.of(new double[] {0.5, 0.5, 0.5}, 1e-4)).containsExactly(0.0, 0.0, 0.0);
        assertThat(GroupAdvantages.of(new double[0], 1e-4)).isEmpty();
    }

    @Test
    void rejectsNonFiniteRewards() {
        assertThatThrownBy(() -> GroupAdvantages.of(new double[] {1, Double.NaN}, 1e-4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not finite");
    }
}
