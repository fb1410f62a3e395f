package io.tessera.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EvaluateStandardErrorTest {

    @Test
    void isTheSampleStandardDeviationOverRootN() {
        double[] clips = {0, 1.0 / 3, 2.0 / 3, 1};
        double sum = 0;
        double squares = 0;
        for (double c : clips) {
            sum += c;
            squares += c * c;
        }
        double mean = sum / clips.length;
        double variance = 0;
        for (double c : clips) {
            variance += (c - mean) * (c - mean);
        }
        variance /= clips.length - 1;
        assertThat(Evaluate.standardError(sum, squares, clips.length))
                .isCloseTo(Math.sqrt(variance / clips.length), within(1e-12))
                .isCloseTo(0.2152, within(1e-4));
    }

    @Test
    void isZeroWhenEveryClipScoresTheSameAndUndefinedBelowTwoClips() {
        assertThat(Evaluate.standardError(120 * 2.0 / 3, 120 * 4.0 / 9, 120)).isCloseTo(0, within(1e-6));
        assertThat(Evaluate.standardError(1, 1, 1)).isNaN();
    }
}
