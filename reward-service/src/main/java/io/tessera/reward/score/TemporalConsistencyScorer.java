package io.tessera.reward.score;

import io.tessera.generator.world.Colour;
import io.tessera.generator.world.World;
import io.tessera.reward.score.FrameTracks.Blob;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Objects persist and move like the world's objects do. Tracks are per palette colour (largest blob per
 * frame); an <em>object</em> is a track present in at least half the frames, anything else is a ghost.
 * <ul>
 *   <li>{@code temporal.persistence}: mean share of frames each object is present in (0 with no object);
 *   <li>{@code temporal.flicker}: share of (track, consecutive frame pair) with no appear/disappear, over
 *       objects and ghosts alike (1 = nothing blinks);
 *   <li>{@code temporal.teleport}: share of an object's consecutive steps whose centroid moves at most
 *       {@link #maxStep(int)} pixels: the world's top speed scaled to the frame rate plus
 *       {@value #JITTER_PX} px of decoding jitter (a bounce reflects, so it never moves further);
 *   <li>{@code temporal}: the mean of the three.
 * </ul>
 * Needs at least two frames.
 */
public final class TemporalConsistencyScorer implements Scorer {
    public static final String NAME = "temporal";
    /** Centroid jitter a decoded (tokenized) object shows between frames without moving. */
    static final double JITTER_PX = 2.0;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return "temporal-1";
    }

    static double maxStep(int fps) {
        int top = 0;
        for (int s : World.SPEEDS) {
            top = Math.max(top, s);
        }
        return top * (double) World.FPS / fps + JITTER_PX;
    }

    @Override
    public Score score(ScoringInput input) {
        if (input.frames().size() < 2) {
            return Score.notApplicable(NAME, "temporal consistency needs at least two frames");
        }
        FrameTracks t = FrameTracks.of(Frames.toWorldSize(input.frames()));
        int n = t.frames;
        double max = maxStep(input.fps());
        double persistence = 0;
        int objects = 0;
        int steadyPairs = 0;
        int pairs = 0;
        int okSteps = 0;
        int steps = 0;
        int ghosts = 0;
        for (Map.Entry<Colour, Blob[]> e : t.tracks.entrySet()) {
            Blob[] track = e.getValue();
            int seen = FrameTracks.seen(track);
            boolean object = seen >= Math.max(1, n / 2.0);
            if (object) {
                objects++;
                persistence += seen / (double) n;
            } else {
                ghosts++;
            }
            for (int f = 0; f + 1 < n; f++) {
                pairs++;
                if ((track[f] == null) == (track[f + 1] == null)) {
                    steadyPairs++;
                }
                if (object && track[f] != null && track[f + 1] != null) {
                    steps++;
                    double d = Math.hypot(track[f + 1].cx() - track[f].cx(), track[f + 1].cy() - track[f].cy());
                    if (d <= max) {
                        okSteps++;
                    }
                }
            }
        }
        double p = objects == 0 ? 0 : persistence / objects;
        double flicker = pairs == 0 ? 0 : steadyPairs / (double) pairs;
        double teleport = objects == 0 ? 0 : steps == 0 ? 1 : okSteps / (double) steps;
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("persistence", p);
        parts.put("flicker", flicker);
        parts.put("teleport", teleport);
        String details = String.format(Locale.ROOT, "%d object(s), %d ghost track(s); %d/%d steps within %.1f px;"
                + " %d/%d track pairs without a blink", objects, ghosts, okSteps, steps, max, steadyPairs, pairs);
        return Score.of(NAME, (p + flicker + teleport) / 3, parts, details);
    }
}
