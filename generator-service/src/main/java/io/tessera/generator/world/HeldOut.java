package io.tessera.generator.world;

import java.util.List;

/**
 * The fixed held-out split: these 10 of the 96 (shape, colour, motion) combinations (~10 %) never
 * appear in training clips and are used only for evaluation. Chosen by hand so that every shape,
 * colour and motion still appears in training in many other combinations.
 */
public final class HeldOut {

    public static final List<ObjectSpec> COMBINATIONS = List.of(
            new ObjectSpec(Shape.CIRCLE, Colour.RED, Motion.UP),
            new ObjectSpec(Shape.SQUARE, Colour.GREEN, Motion.LEFT),
            new ObjectSpec(Shape.TRIANGLE, Colour.BLUE, Motion.DOWN),
            new ObjectSpec(Shape.CIRCLE, Colour.YELLOW, Motion.RIGHT),
            new ObjectSpec(Shape.SQUARE, Colour.CYAN, Motion.UP),
            new ObjectSpec(Shape.TRIANGLE, Colour.MAGENTA, Motion.LEFT),
            new ObjectSpec(Shape.CIRCLE, Colour.WHITE, Motion.DOWN),
            new ObjectSpec(Shape.SQUARE, Colour.ORANGE, Motion.RIGHT),
            new ObjectSpec(Shape.TRIANGLE, Colour.RED, Motion.RIGHT),
            new ObjectSpec(Shape.SQUARE, Colour.BLUE, Motion.UP));

    private HeldOut() {}

    public static boolean isHeldOut(ObjectSpec spec) {
        return COMBINATIONS.contains(spec);
    }

    /** All 96 combinations of the given split, in {@link ObjectSpec#index()} order. */
    public static List<ObjectSpec> combinations(Split split) {
        java.util.ArrayList<ObjectSpec> out = new java.util.ArrayList<>();
        for (Shape s : Shape.values()) {
            for (Colour c : Colour.values()) {
                for (Motion m : Motion.values()) {
                    ObjectSpec o = new ObjectSpec(s, c, m);
                    if (isHeldOut(o) == (split == Split.HELD_OUT)) {
                        out.add(o);
                    }
                }
            }
        }
        return List.copyOf(out);
    }
}
