package io.tessera.reward.score;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A scorer's verdict on one clip.
 *
 * @param headline   the component that stands for the scorer in a reward (named like the scorer)
 * @param value      the headline's value in [0, 1], or NaN when the scorer does not apply (e.g. no audio)
 * @param components every named component in [0, 1] (the headline included when it applies), in a stable order
 * @param details    human-readable explanation (what was seen), never parsed
 */
public record Score(String headline, double value, Map<String, Double> components, String details) {

    public Score {
        Objects.requireNonNull(headline, "headline");
        components = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(components));
        for (Map.Entry<String, Double> e : components.entrySet()) {
            double v = e.getValue();
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("component " + e.getKey() + " = " + v + " is outside [0, 1]");
            }
        }
        details = details == null ? "" : details;
    }

    /** Whether the scorer applied to the clip (its headline has a value). */
    public boolean applies() {
        return !Double.isNaN(value);
    }

    /** A verdict that does not apply (e.g. audio-visual sync of a clip without audio). */
    public static Score notApplicable(String headline, String why) {
        return new Score(headline, Double.NaN, Map.of(), why);
    }

    /** A verdict whose headline is the given components' sub-score {@code value}. */
    public static Score of(String headline, double value, Map<String, Double> parts, String details) {
        LinkedHashMap<String, Double> all = new LinkedHashMap<>();
        all.put(headline, clamp(value));
        parts.forEach((k, v) -> all.put(headline + "." + k, clamp(v)));
        return new Score(headline, clamp(value), all, details);
    }

    static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
