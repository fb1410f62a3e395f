package io.tessera.generator.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectorTest {

    @Test
    void detectorIsRightOnGroundTruthClips() {
        int attributes = 0;
        int confirmed = 0;
        List<String> failures = new ArrayList<>();
        int tonesOk = 0;
        int clicksOk = 0;
        int clips = 200;
        for (long seed = 0; seed < clips; seed++) {
            Clip c = ClipRenderer.render(ClipSpec.random(seed, seed % 4 == 0 ? Split.HELD_OUT : Split.TRAIN));
            DetectionReport r = Detector.detect(c.frames(), c.audio(), c.prompt());
            for (ObjectVerdict v : r.verdicts()) {
                attributes += 3;
                confirmed += v.confirmed();
                if (v.confirmed() < 3) {
                    failures.add("seed " + seed + ": " + v);
                }
            }
            tonesOk += r.toneAdherence() == 1.0 ? 1 : 0;
            clicksOk += r.clickFrames().equals(c.bounceFrames()) && r.videoBounceFrames().equals(c.bounceFrames()) ? 1 : 0;
            assertThat(r.clickAlignment()).isEqualTo(1.0);
            assertThat(r.unaskedObjects()).as("seed %d: nothing the prompt does not name", seed).isZero();
        }
        double share = confirmed / (double) attributes;
        System.out.printf("detector on %d ground-truth clips: %d/%d attributes (%.4f), tones %d/%d, clicks %d/%d%n",
                clips, confirmed, attributes, share, tonesOk, clips, clicksOk, clips);
        assertThat(share).as("failures: %s", failures).isGreaterThanOrEqualTo(0.99);
        assertThat(tonesOk).isEqualTo(clips);
        assertThat(clicksOk).isEqualTo(clips);
    }

    @Test
    void objectsThePromptDoesNotNameAreCountedApart() {
        long seed = 5;
        while (ClipSpec.random(seed, Split.TRAIN).objects().size() < 2) {
            seed++;
        }
        Clip c = ClipRenderer.render(ClipSpec.random(seed, Split.TRAIN));
        List<ObjectSpec> all = c.spec().objects().stream().map(WorldObject::spec).toList();
        assertThat(Detector.detect(c.frames(), null, all).unaskedObjects()).isZero();
        DetectionReport firstOnly = Detector.detect(c.frames(), null, all.subList(0, 1));
        assertThat(firstOnly.unaskedObjects()).isEqualTo(1);
        assertThat(firstOnly.adherence()).as("adherence counts the named objects only").isEqualTo(1.0);
    }

    @Test
    void aWrongPromptScoresLow() {
        Clip c = ClipRenderer.render(ClipSpec.random(5, Split.TRAIN));
        ObjectSpec o = c.spec().objects().get(0).spec();
        Shape other = Shape.values()[(o.shape().ordinal() + 1) % 3];
        Colour otherColour = Colour.values()[(o.colour().ordinal() + 1) % 8];
        Motion opposite = switch (o.motion()) {
            case LEFT -> Motion.RIGHT;
            case RIGHT -> Motion.LEFT;
            case UP -> Motion.DOWN;
            case DOWN -> Motion.UP;
        };
        DetectionReport r = Detector.detect(c.frames(), c.audio(), List.of(new ObjectSpec(other, o.colour(), opposite)));
        assertThat(r.adherence()).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
        DetectionReport none = Detector.detect(c.frames(), null,
                List.of(new ObjectSpec(o.shape(), otherColour, o.motion())));
        assertThat(none.verdicts().get(0).colourOk()).isFalse();
        assertThat(none.hasAudio()).isFalse();
    }

    @Test
    void blackFramesAndSilenceConfirmNothing() {
        List<BufferedImage> black = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            black.add(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB));
        }
        DetectionReport r = Detector.detect(black, new float[32_000], "a red circle moving left");
        assertThat(r.adherence()).isZero();
        assertThat(r.detected()).isEmpty();
        assertThat(r.toneHeard(Shape.CIRCLE)).isFalse();
        assertThat(r.clickFrames()).isEmpty();
    }
}
