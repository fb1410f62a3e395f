package io.tessera.generator.world;

import java.util.Locale;

/** Object shapes, each with the pitch of the tone it hums (bins of a 2048-point FFT at 16 kHz, well apart). */
public enum Shape {
    CIRCLE(250.0),
    SQUARE(625.0),
    TRIANGLE(1562.5);

    private final double toneHz;

    Shape(double toneHz) {
        this.toneHz = toneHz;
    }

    public double toneHz() {
        return toneHz;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
