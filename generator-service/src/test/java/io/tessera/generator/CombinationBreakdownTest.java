package io.tessera.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.world.Colour;
import io.tessera.generator.world.DetectedObject;
import io.tessera.generator.world.DetectionReport;
import io.tessera.generator.world.Motion;
import io.tessera.generator.world.ObjectSpec;
import io.tessera.generator.world.ObjectVerdict;
import io.tessera.generator.world.Shape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CombinationBreakdownTest {
    static final ObjectSpec RED_CIRCLE_UP = new ObjectSpec(Shape.CIRCLE, Colour.RED, Motion.UP);
    static final ObjectSpec BLUE_CIRCLE_UP = new ObjectSpec(Shape.CIRCLE, Colour.BLUE, Motion.UP); // a training one

    static DetectionReport report(ObjectSpec expected, DetectedObject found) {
        return new DetectionReport(List.of(new ObjectVerdict(expected, found)),
                found == null ? List.of() : List.of(found), Map.of(), List.of(), List.of(), false);
    }

    static DetectedObject drawn(Colour colour, Motion motion) {
        return new DetectedObject(colour, Shape.CIRCLE, motion, 16, List.of());
    }

    @Test
    void countsEachHeldOutCombinationAndWhatWasDrawnInstead() {
        CombinationBreakdown breakdown = new CombinationBreakdown();
        breakdown.add(report(RED_CIRCLE_UP, drawn(Colour.RED, Motion.UP)));
        breakdown.add(report(RED_CIRCLE_UP, drawn(Colour.RED, Motion.DOWN)));
        breakdown.add(report(RED_CIRCLE_UP, drawn(Colour.BLUE, Motion.DOWN)));
        breakdown.add(report(RED_CIRCLE_UP, null));
        breakdown.add(report(RED_CIRCLE_UP, drawn(Colour.RED, null))); // found, but it did not move
        breakdown.add(report(BLUE_CIRCLE_UP, drawn(Colour.GREEN, Motion.LEFT))); // not held out: not counted

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        breakdown.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8).replaceAll(" +", " ");
        assertThat(table).contains("a red circle moving up 5 0.80 0.60 / 0.80 / 0.20 blue x1 down x2");
        assertThat(table).contains("a green square moving left 0 0.00 0.00 / 0.00 / 0.00 - -");
        CombinationBreakdown still = new CombinationBreakdown();
        still.add(report(RED_CIRCLE_UP, drawn(Colour.RED, null)));
        ByteArrayOutputStream stillBytes = new ByteArrayOutputStream();
        still.print(new PrintStream(stillBytes, true, StandardCharsets.UTF_8));
        assertThat(stillBytes.toString(StandardCharsets.UTF_8).replaceAll(" +", " "))
                .contains("a red circle moving up 1 1.00 1.00 / 1.00 / 0.00 - still x1");
        assertThat(table).doesNotContain("green x1").doesNotContain("blue circle");
    }
}
