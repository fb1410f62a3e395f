package io.tessera.generator.world;

import java.util.Objects;

/** One (shape, colour, motion) combination: what a prompt says about one object. */
public record ObjectSpec(Shape shape, Colour colour, Motion motion) {

    public ObjectSpec {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(colour, "colour");
        Objects.requireNonNull(motion, "motion");
    }

    /** "a red circle moving left", "an orange square moving up". */
    public String phrase() {
        String article = colour == Colour.ORANGE ? "an " : "a ";
        return article + colour.word() + " " + shape.word() + " moving " + motion.word();
    }

    /** Dense index in [0, 96): shape-major, then colour, then motion. */
    public int index() {
        return (shape.ordinal() * Colour.values().length + colour.ordinal()) * Motion.values().length
                + motion.ordinal();
    }
}
