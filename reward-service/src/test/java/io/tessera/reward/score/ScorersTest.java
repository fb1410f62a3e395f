package io.tessera.reward.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.generator.world.Clip;
import io.tessera.generator.world.Split;
import io.tessera.generator.world.World;
import io.tessera.records.Task;
import io.tessera.reward.WorldClips;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rule-based scorers on rendered clips and on clips broken in the way each scorer should notice. */
class ScorersTest {

    static final int CLIPS = 12;

    static List<Clip> clips() {
        List<Clip> out = new ArrayList<>();
        for (int i = 0; i < CLIPS; i++) {
            out.add(WorldClips.clip(5_000 + i, i % 3 == 0 ? Split.HELD_OUT : Split.TRAIN, World.DEFAULT_FRAMES));
        }
        return out;
    }

    static ScoringInput input(Clip c) {
        return ScoringInput.of(Task.TEXT_TO_VIDEO, c.prompt(), c.frames(), c.audio());
    }

    @Test
    void renderedClipsScoreFullMarksOnEveryScorer() {
        for (Clip c : clips()) {
            ScoringInput in = input(c);
            assertThat(new PromptAdherenceScorer().score(in).components())
                    .as(c.prompt()).containsEntry("adherence", 1.0).containsEntry("adherence.colour", 1.0)
                    .containsEntry("adherence.shape", 1.0).containsEntry("adherence.motion", 1.0);
            Score t = new TemporalConsistencyScorer().score(in);
            assertThat(t.components()).as(c.prompt() + ": " + t.details()).containsEntry("temporal", 1.0);
            Score av = new AudioVisualSyncScorer().score(in);
            assertThat(av.value()).as(c.prompt() + ": " + av.details()).isEqualTo(1.0);
            assertThat(av.components()).containsEntry("av_sync.tone_match", 1.0);
        }
    }

    @Test
    void adherenceDropsForAPromptTheClipDoesNotShow() {
        Clip c = WorldClips.clip(42, Split.TRAIN, World.DEFAULT_FRAMES);
        String other = c.spec().objects().get(0).spec().colour().word().equals("red") ? "green" : "red";
        String wrong = c.prompt().replaceFirst(c.spec().objects().get(0).spec().colour().word(), other);
        Score s = new PromptAdherenceScorer().score(ScoringInput.of(Task.TEXT_TO_VIDEO, wrong, c.frames(), c.audio()));
        assertThat(s.components().get("adherence.colour")).isLessThan(1.0);
        assertThat(s.value()).isLessThan(1.0);
        assertThatThrownBy(() -> new PromptAdherenceScorer().score(
                ScoringInput.of(Task.TEXT_TO_VIDEO, "something pretty", c.frames(), null)))
                .isInstanceOf(ScoringException.class).hasMessageContaining("prompt cannot be scored");
    }

    @Test
    void blinkingObjectsLoseFlickerAndPersistence() {
        Clip c = WorldClips.clip(7, Split.TRAIN, World.DEFAULT_FRAMES);
        List<BufferedImage> frames = new ArrayList<>(c.frames());
        BufferedImage black = new BufferedImage(World.SIZE, World.SIZE, BufferedImage.TYPE_INT_RGB);
        for (int f = 1; f < frames.size(); f += 3) {
            frames.set(f, black);
        }
        Score s = new TemporalConsistencyScorer().score(ScoringInput.of(Task.TEXT_TO_VIDEO, c.prompt(), frames, null));
        assertThat(s.components().get("temporal.flicker")).isLessThan(0.7);
        assertThat(s.components().get("temporal.persistence")).isLessThan(1.0);
        assertThat(s.value()).isLessThan(0.9);
    }

    @Test
    void shuffledFramesTeleport() {
        Clip c = WorldClips.clip(9, Split.TRAIN, World.DEFAULT_FRAMES);
        List<BufferedImage> frames = new ArrayList<>(c.frames());
        java.util.Collections.shuffle(frames, new java.util.Random(3));
        Score s = new TemporalConsistencyScorer().score(ScoringInput.of(Task.TEXT_TO_VIDEO, c.prompt(), frames, null));
        assertThat(s.components().get("temporal.teleport")).as(s.details()).isLessThan(0.6);
        assertThat(new TemporalConsistencyScorer().score(
                ScoringInput.of(Task.TEXT_TO_VIDEO, c.prompt(), c.frames().subList(0, 1), null)).applies()).isFalse();
    }

    @Test
    void clicksAwayFromTheBouncesBreakSync() {
        Clip c = null;
        for (long seed = 100; c == null || c.bounceFrames().isEmpty(); seed++) {
            c = WorldClips.clip(seed, Split.TRAIN, World.DEFAULT_FRAMES);
        }
        // shift the whole soundtrack by 4 frames: every click lands 4 frames after its bounce
        int shift = 4 * World.SAMPLES_PER_FRAME;
        float[] late = new float[c.audio().length];
        System.arraycopy(c.audio(), 0, late, shift, late.length - shift);
        Score s = new AudioVisualSyncScorer().score(ScoringInput.of(Task.TEXT_TO_VIDEO, c.prompt(), c.frames(), late));
        assertThat(s.value()).as(s.details()).isLessThan(0.5);
        float[] silent = new float[c.audio().length];
        Score quiet = new AudioVisualSyncScorer().score(ScoringInput.of(Task.TEXT_TO_VIDEO, c.prompt(), c.frames(), silent));
        assertThat(quiet.value()).as("no click for %s", c.bounceFrames()).isEqualTo(0.0);
        assertThat(quiet.components().get("av_sync.tone_match")).isLessThan(1.0);
        Score none = new AudioVisualSyncScorer().score(ScoringInput.of(Task.TEXT_TO_VIDEO, c.prompt(), c.frames(), null));
        assertThat(none.applies()).isFalse();
        assertThat(none.components()).isEmpty();
    }

    @Test
    void componentsOutsideTheUnitIntervalAndEmptyInputsAreRefused() {
        assertThatThrownBy(() -> new Score("x", 0.5, Map.of("x", 1.5), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x = 1.5");
        assertThatThrownBy(() -> ScoringInput.of(Task.TEXT_TO_VIDEO, "a red circle moving up", List.of(), null))
                .isInstanceOf(ScoringException.class).hasMessage("no frames to score");
        assertThatThrownBy(() -> ScoringInput.of(Task.TEXT_TO_VIDEO, " ", List.of(new BufferedImage(4, 4, 1)), null))
                .isInstanceOf(ScoringException.class).hasMessage("prompt is empty");
    }
}
