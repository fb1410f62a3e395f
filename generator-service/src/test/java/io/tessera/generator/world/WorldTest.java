package io.tessera.generator.world;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorldTest {

    @Test
    void sameSeedGivesTheSameClipAndOtherSeedsDiffer() {
        Clip a = ClipRenderer.render(ClipSpec.random(42, Split.TRAIN));
        Clip b = ClipRenderer.render(ClipSpec.random(42, Split.TRAIN));
        Clip c = ClipRenderer.render(ClipSpec.random(43, Split.TRAIN));
        assertThat(a.spec()).isEqualTo(b.spec());
        assertThat(a.audio()).isEqualTo(b.audio());
        for (int f = 0; f < a.frames().size(); f++) {
            assertThat(pixels(a.frames().get(f))).isEqualTo(pixels(b.frames().get(f)));
        }
        assertThat(c.spec()).isNotEqualTo(a.spec());
    }

    @Test
    void clipsHaveTheWorldsShape() {
        Clip c = ClipRenderer.render(ClipSpec.random(1, Split.TRAIN, 24));
        assertThat(c.frames()).hasSize(24);
        assertThat(c.frames().get(0).getWidth()).isEqualTo(64);
        assertThat(c.frames().get(0).getHeight()).isEqualTo(64);
        assertThat(c.audio()).hasSize(24 * 2000);
        assertThat(c.truth()).hasSize(24);
        assertThat(c.prompt()).isEqualTo(c.spec().prompt()).matches("an? .*");
    }

    @Test
    void objectsMoveSteadilyAndBounceOffTheWalls() {
        int bounces = 0;
        for (long seed = 0; seed < 300; seed++) {
            Clip c = ClipRenderer.render(ClipSpec.random(seed, Split.TRAIN, 32));
            for (int i = 0; i < c.spec().objects().size(); i++) {
                WorldObject o = c.spec().objects().get(i);
                ObjectState first = c.truth().get(0).get(i);
                assertThat(first.x()).isEqualTo(o.x0());
                assertThat(first.y()).isEqualTo(o.y0());
                for (int f = 1; f < c.truth().size(); f++) {
                    ObjectState prev = c.truth().get(f - 1).get(i);
                    ObjectState now = c.truth().get(f).get(i);
                    assertThat(now.x()).isBetween(0, World.MAX_POS);
                    assertThat(now.y()).isBetween(0, World.MAX_POS);
                    // the speed never changes; only its sign flips, exactly when a wall was hit
                    assertThat(Math.abs(now.vx()) + Math.abs(now.vy())).isEqualTo(o.speed());
                    boolean flipped = now.vx() != prev.vx() || now.vy() != prev.vy();
                    assertThat(flipped).isEqualTo(now.bounced());
                    if (!now.bounced()) {
                        assertThat(now.x() - prev.x()).isEqualTo(prev.vx());
                        assertThat(now.y() - prev.y()).isEqualTo(prev.vy());
                    } else {
                        bounces++;
                        // reflected: the travelled distance folds at a wall
                        int along = o.spec().motion().horizontal() ? prev.x() + prev.vx() : prev.y() + prev.vy();
                        assertThat(along < 0 || along > World.MAX_POS).isTrue();
                    }
                    if (f <= World.FREE_STEPS) {
                        assertThat(now.bounced()).as("no bounce in the first steps").isFalse();
                    }
                }
            }
        }
        assertThat(bounces).isGreaterThan(300);
    }

    @Test
    void clicksSoundExactlyAtBounceFramesAndTonesFollowShapes() {
        for (long seed = 0; seed < 50; seed++) {
            Clip c = ClipRenderer.render(ClipSpec.random(seed, Split.TRAIN));
            for (int f = 0; f < c.frames().size(); f++) {
                assertThat(AudioAnalysis.hasClick(c.audio(), f)).as("seed %d frame %d", seed, f)
                        .isEqualTo(c.bounceFrames().contains(f));
            }
            for (Shape s : Shape.values()) {
                long count = c.spec().objects().stream().filter(o -> o.spec().shape() == s).count();
                assertThat(AudioAnalysis.toneAmplitude(c.audio(), 0, s)).isCloseTo(count * World.TONE_AMPLITUDE,
                        org.assertj.core.data.Offset.offset(0.01));
            }
        }
    }

    @Test
    void twoObjectsNeverOverlapAndDifferInColour() {
        int pairs = 0;
        for (long seed = 0; seed < 300; seed++) {
            ClipSpec s = ClipSpec.random(seed, Split.TRAIN);
            if (s.objects().size() == 2) {
                pairs++;
                assertThat(s.overlaps()).isFalse();
                assertThat(s.objects().get(0).spec().colour()).isNotEqualTo(s.objects().get(1).spec().colour());
            }
        }
        assertThat(pairs).isBetween(100, 200);
    }

    @Test
    void shapesHaveDistinctFill() {
        int[] area = new int[3];
        for (Shape s : Shape.values()) {
            for (int y = 0; y < World.OBJECT_SIZE; y++) {
                for (int x = 0; x < World.OBJECT_SIZE; x++) {
                    area[s.ordinal()] += ClipRenderer.inside(s, x, y) ? 1 : 0;
                }
            }
        }
        assertThat(area[Shape.SQUARE.ordinal()]).isEqualTo(256);
        assertThat(area[Shape.CIRCLE.ordinal()]).isBetween(190, 210);
        assertThat(area[Shape.TRIANGLE.ordinal()]).isBetween(120, 140);
    }

    @Test
    void invalidSpecsAreRejected() {
        ObjectSpec red = new ObjectSpec(Shape.CIRCLE, Colour.RED, Motion.LEFT);
        assertThatThrownBy(() -> new WorldObject(red, -1, 0, 4)).isInstanceOf(IllegalArgumentException.class);
        WorldObject a = new WorldObject(red, 0, 0, 4);
        assertThatThrownBy(() -> new ClipSpec(List.of(a, a), 16, 0)).hasMessageContaining("colour");
        assertThatThrownBy(() -> new ClipSpec(List.of(), 16, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
