package io.tessera.generator.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Prompt text to object attributes: "a red circle moving left and a blue square moving up" -> two
 * {@link ObjectSpec}s. Clauses are split on "and", "," and ";"; each needs one colour, one shape and
 * one direction word (case and extra words are ignored). Used by evaluation and reward scorers.
 */
public final class PromptParser {

    private PromptParser() {}

    /** Parses a prompt; throws {@link PromptParseException} naming the clause and the missing attribute. */
    public static List<ObjectSpec> parse(String prompt) {
        if (prompt == null || prompt.isBlank()) {
            throw new PromptParseException("empty prompt");
        }
        String text = prompt.toLowerCase(Locale.ROOT).replaceAll("[^a-z,;]+", " ");
        List<ObjectSpec> out = new ArrayList<>();
        for (String clause : text.split("\\band\\b|,|;")) {
            if (clause.isBlank()) {
                continue;
            }
            Shape shape = null;
            Colour colour = null;
            Motion motion = null;
            for (String w : clause.trim().split("\\s+")) {
                shape = shape != null ? shape : shapeOf(w);
                colour = colour != null ? colour : colourOf(w);
                motion = motion != null ? motion : motionOf(w);
            }
            if (shape == null || colour == null || motion == null) {
                throw new PromptParseException("clause '" + clause.trim() + "' lacks a "
                        + (colour == null ? "colour" : shape == null ? "shape" : "direction")
                        + " (colours: red green blue yellow cyan magenta white orange; shapes: circle square"
                        + " triangle; directions: left right up down)");
            }
            out.add(new ObjectSpec(shape, colour, motion));
        }
        if (out.isEmpty()) {
            throw new PromptParseException("no object in prompt '" + prompt + "'");
        }
        return List.copyOf(out);
    }

    public static Optional<List<ObjectSpec>> tryParse(String prompt) {
        try {
            return Optional.of(parse(prompt));
        } catch (PromptParseException e) {
            return Optional.empty();
        }
    }

    private static Shape shapeOf(String w) {
        return switch (w) {
            case "circle", "circles", "ball", "disc", "disk" -> Shape.CIRCLE;
            case "square", "squares", "box" -> Shape.SQUARE;
            case "triangle", "triangles" -> Shape.TRIANGLE;
            default -> null;
        };
    }

    private static Colour colourOf(String w) {
        for (Colour c : Colour.values()) {
            if (c.word().equals(w)) {
                return c;
            }
        }
        return null;
    }

    private static Motion motionOf(String w) {
        for (Motion m : Motion.values()) {
            if (m.word().equals(w)) {
                return m;
            }
        }
        return switch (w) {
            case "leftwards", "leftward" -> Motion.LEFT;
            case "rightwards", "rightward" -> Motion.RIGHT;
            case "upwards", "upward" -> Motion.UP;
            case "downwards", "downward" -> Motion.DOWN;
            default -> null;
        };
    }
}
