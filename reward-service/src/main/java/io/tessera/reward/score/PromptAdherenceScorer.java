package io.tessera.reward.score;

import io.tessera.generator.world.DetectionReport;
import io.tessera.generator.world.Detector;
import io.tessera.generator.world.ObjectSpec;
import io.tessera.generator.world.ObjectVerdict;
import io.tessera.generator.world.PromptParseException;
import io.tessera.generator.world.PromptParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Does the clip show what the prompt asks for? The world's {@link Detector} (no ground truth) matches
 * each prompt object to a colour track and checks its colour, shape and initial motion. Components:
 * {@code adherence.colour}, {@code .shape}, {@code .motion} (share of prompt objects confirmed) and the
 * headline {@code adherence}, their mean (= {@link DetectionReport#adherence()}).
 */
public final class PromptAdherenceScorer implements Scorer {
    public static final String NAME = "adherence";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return "adherence-1";
    }

    @Override
    public Score score(ScoringInput input) {
        List<ObjectSpec> expected;
        try {
            expected = PromptParser.parse(input.prompt());
        } catch (PromptParseException e) {
            throw new ScoringException("prompt cannot be scored: " + e.getMessage(), e);
        }
        DetectionReport report = Detector.detect(Frames.toWorldSize(input.frames()),
                input.hasAudio() ? input.audio() : null, expected);
        int n = report.verdicts().size();
        double colour = report.verdicts().stream().filter(ObjectVerdict::colourOk).count() / (double) n;
        double shape = report.verdicts().stream().filter(ObjectVerdict::shapeOk).count() / (double) n;
        double motion = report.verdicts().stream().filter(ObjectVerdict::motionOk).count() / (double) n;
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("colour", colour);
        parts.put("shape", shape);
        parts.put("motion", motion);
        StringBuilder details = new StringBuilder();
        for (ObjectVerdict v : report.verdicts()) {
            details.append(String.format(Locale.ROOT, "%s -> %s; ", v.expected().phrase(), v.found() == null ? "nothing"
                    : v.found().colour() + " " + v.found().shape() + " " + v.found().motion()));
        }
        return Score.of(NAME, (colour + shape + motion) / 3, parts, details.toString().trim());
    }
}
