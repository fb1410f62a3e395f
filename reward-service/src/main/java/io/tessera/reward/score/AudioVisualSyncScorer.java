package io.tessera.reward.score;

import io.tessera.generator.world.DetectedObject;
import io.tessera.generator.world.DetectionReport;
import io.tessera.generator.world.Detector;
import io.tessera.generator.world.Shape;
import io.tessera.generator.world.World;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sound and picture agree, whatever the prompt says. Bounces are where a detected object's movement
 * reverses in the frames; clicks are high-band onsets at a frame's start in the audio.
 * <ul>
 *   <li>{@code av_sync} (headline): F1 of clicks against visual bounces, a click within one frame of a
 *       bounce counting as a hit; 1 when there are neither clicks nor bounces;
 *   <li>{@code av_sync.tone_match}: share of the three shapes whose tone is heard exactly when an object
 *       of that shape is seen (reported, not part of the headline).
 * </ul>
 * Not applicable without audio or at a frame rate other than the world's (clicks are located per frame).
 */
public final class AudioVisualSyncScorer implements Scorer {
    public static final String NAME = "av_sync";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return "av_sync-1";
    }

    @Override
    public Score score(ScoringInput input) {
        if (!input.hasAudio()) {
            return Score.notApplicable(NAME, "no audio");
        }
        if (input.fps() != World.FPS) {
            return Score.notApplicable(NAME, "audio is located per frame at " + World.FPS + " fps, clip is at "
                    + input.fps());
        }
        int frames = Math.min(input.frames().size(), input.audio().length / World.SAMPLES_PER_FRAME);
        DetectionReport r = Detector.detect(Frames.toWorldSize(input.frames().subList(0, frames)), input.audio(),
                List.<io.tessera.generator.world.ObjectSpec>of());
        double sync = r.clickAlignment();
        EnumSet<Shape> seen = EnumSet.noneOf(Shape.class);
        for (DetectedObject o : r.detected()) {
            if (o.shape() != null) {
                seen.add(o.shape());
            }
        }
        int match = 0;
        for (Shape s : Shape.values()) {
            match += r.toneHeard(s) == seen.contains(s) ? 1 : 0;
        }
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("tone_match", match / (double) Shape.values().length);
        String details = String.format(Locale.ROOT, "clicks at %s, bounces at %s; shapes seen %s", r.clickFrames(),
                r.videoBounceFrames(), seen);
        return Score.of(NAME, sync, parts, details);
    }
}
