package io.tessera.generator.world;

import java.util.Objects;

/**
 * One object of a clip: what it is and where it starts. Positions are the top-left corner of its
 * {@link World#OBJECT_SIZE} box, in [0, {@link World#MAX_POS}].
 *
 * @param spec  shape, colour and initial motion
 * @param x0    start column of the box
 * @param y0    start row of the box
 * @param speed pixels per frame along the motion axis
 */
public record WorldObject(ObjectSpec spec, int x0, int y0, int speed) {

    public WorldObject {
        Objects.requireNonNull(spec, "spec");
        if (x0 < 0 || x0 > World.MAX_POS || y0 < 0 || y0 > World.MAX_POS) {
            throw new IllegalArgumentException("start (" + x0 + ", " + y0 + ") outside [0, " + World.MAX_POS + "]");
        }
        if (speed < 1 || speed > World.MAX_POS) {
            throw new IllegalArgumentException("speed must be in [1, " + World.MAX_POS + "], got " + speed);
        }
    }
}
