package io.tessera.generator.world;

import java.util.Locale;

/** The initial direction of an object's steady movement (image coordinates: y grows downwards). */
public enum Motion {
    LEFT(-1, 0),
    RIGHT(1, 0),
    UP(0, -1),
    DOWN(0, 1);

    private final int dx;
    private final int dy;

    Motion(int dx, int dy) {
        this.dx = dx;
        this.dy = dy;
    }

    public int dx() {
        return dx;
    }

    public int dy() {
        return dy;
    }

    public boolean horizontal() {
        return dy == 0;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
