package io.tessera.generator.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeldOutTest {

    @Test
    void aboutTenPercentOfCombinationsAreHeldOutAndTheSplitsAreDisjoint() {
        List<ObjectSpec> train = HeldOut.combinations(Split.TRAIN);
        List<ObjectSpec> held = HeldOut.combinations(Split.HELD_OUT);
        assertThat(held).hasSize(10).containsExactlyInAnyOrderElementsOf(HeldOut.COMBINATIONS);
        assertThat(train).hasSize(86).doesNotContainAnyElementsOf(held);
        assertThat(new HashSet<>(HeldOut.COMBINATIONS)).hasSize(10);
    }

    @Test
    void everyShapeColourAndMotionStillAppearsInTraining() {
        Set<Shape> shapes = EnumSet.noneOf(Shape.class);
        Set<Colour> colours = EnumSet.noneOf(Colour.class);
        Set<Motion> motions = EnumSet.noneOf(Motion.class);
        for (ObjectSpec o : HeldOut.combinations(Split.TRAIN)) {
            shapes.add(o.shape());
            colours.add(o.colour());
            motions.add(o.motion());
        }
        assertThat(shapes).hasSize(3);
        assertThat(colours).hasSize(8);
        assertThat(motions).hasSize(4);
    }

    @Test
    void trainingClipsNeverShowAHeldOutCombinationAndHeldOutClipsAlwaysDo() {
        for (long seed = 0; seed < 2000; seed++) {
            for (WorldObject o : ClipSpec.random(seed, Split.TRAIN).objects()) {
                assertThat(HeldOut.isHeldOut(o.spec())).as("seed %d", seed).isFalse();
            }
            assertThat(HeldOut.isHeldOut(ClipSpec.random(seed, Split.HELD_OUT).objects().get(0).spec())).isTrue();
        }
    }
}
