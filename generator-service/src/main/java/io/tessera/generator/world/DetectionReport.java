package io.tessera.generator.world;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The detector's verdict on a clip against a prompt.
 *
 * @param verdicts         per prompt object: colour, shape and motion confirmed or not
 * @param detected         every object found in the frames
 * @param toneAmplitudes   per shape, the mean amplitude of its tone (empty without audio)
 * @param clickFrames      frames whose audio starts with a click (empty without audio)
 * @param videoBounceFrames frames at which a detected object reversed (union over objects)
 * @param hasAudio         whether audio was examined
 */
public record DetectionReport(List<ObjectVerdict> verdicts, List<DetectedObject> detected,
        Map<Shape, Double> toneAmplitudes, List<Integer> clickFrames, List<Integer> videoBounceFrames,
        boolean hasAudio) {

    public DetectionReport {
        verdicts = List.copyOf(verdicts);
        detected = List.copyOf(detected);
        toneAmplitudes = Map.copyOf(toneAmplitudes);
        clickFrames = List.copyOf(clickFrames);
        videoBounceFrames = List.copyOf(videoBounceFrames);
    }

    /** Share of prompt attributes (colour, shape, motion per object) the frames confirm. */
    /**
     * Detected objects whose colour the prompt names for none of its objects: blobs the prompt did not ask for.
     * {@link #adherence()} does not count them, so a clip sprayed with blobs of every colour can confirm colours by
     * chance; this says how much of that there is.
     */
    public int unaskedObjects() {
        Set<Colour> asked = EnumSet.noneOf(Colour.class);
        verdicts.forEach(v -> asked.add(v.expected().colour()));
        return (int) detected.stream().filter(d -> !asked.contains(d.colour())).count();
    }

    public double adherence() {
        int total = 3 * verdicts.size();
        return total == 0 ? 0 : verdicts.stream().mapToInt(ObjectVerdict::confirmed).sum() / (double) total;
    }

    public boolean toneHeard(Shape shape) {
        return toneAmplitudes.getOrDefault(shape, 0.0) >= AudioAnalysis.TONE_PRESENT * World.TONE_AMPLITUDE;
    }

    /** Share of prompt objects whose shape's tone is heard, with no tone heard for an absent shape. */
    public double toneAdherence() {
        if (!hasAudio || verdicts.isEmpty()) {
            return 0;
        }
        java.util.EnumSet<Shape> wanted = java.util.EnumSet.noneOf(Shape.class);
        verdicts.forEach(v -> wanted.add(v.expected().shape()));
        int ok = 0;
        for (Shape s : Shape.values()) {
            if (toneHeard(s) == wanted.contains(s)) {
                ok++;
            }
        }
        return ok / (double) Shape.values().length;
    }

    /**
     * F1 of audio clicks against the bounces seen in the video (a click within one frame of a bounce
     * counts); 1 when neither has any.
     */
    public double clickAlignment() {
        if (!hasAudio) {
            return 0;
        }
        if (clickFrames.isEmpty() && videoBounceFrames.isEmpty()) {
            return 1;
        }
        int hitClicks = (int) clickFrames.stream().filter(c -> near(videoBounceFrames, c)).count();
        int hitBounces = (int) videoBounceFrames.stream().filter(b -> near(clickFrames, b)).count();
        double precision = clickFrames.isEmpty() ? 0 : hitClicks / (double) clickFrames.size();
        double recall = videoBounceFrames.isEmpty() ? 0 : hitBounces / (double) videoBounceFrames.size();
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    private static boolean near(List<Integer> frames, int f) {
        return frames.stream().anyMatch(x -> Math.abs(x - f) <= 1);
    }
}
