package io.tessera.generator.world;

import java.util.Locale;

/** The world's palette: object colours on a black background. */
public enum Colour {
    RED(255, 0, 0),
    GREEN(0, 255, 0),
    BLUE(0, 0, 255),
    YELLOW(255, 255, 0),
    CYAN(0, 255, 255),
    MAGENTA(255, 0, 255),
    WHITE(255, 255, 255),
    ORANGE(255, 128, 0);

    private final int r;
    private final int g;
    private final int b;

    Colour(int r, int g, int b) {
        this.r = r;
        this.g = g;
        this.b = b;
    }

    public int r() {
        return r;
    }

    public int g() {
        return g;
    }

    public int b() {
        return b;
    }

    public int rgb() {
        return (r << 16) | (g << 8) | b;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The palette colour nearest (squared RGB distance) to a pixel. */
    public static Colour nearest(int rgb) {
        int pr = (rgb >> 16) & 0xff;
        int pg = (rgb >> 8) & 0xff;
        int pb = rgb & 0xff;
        Colour best = RED;
        int bestD = Integer.MAX_VALUE;
        for (Colour c : values()) {
            int dr = pr - c.r;
            int dg = pg - c.g;
            int db = pb - c.b;
            int d = dr * dr + dg * dg + db * db;
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best;
    }
}
