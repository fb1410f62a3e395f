package io.tessera.generator.sampling;

/**
 * A counter-based random stream: the value at (seed, position, stream) is a pure function of its
 * coordinates (SplitMix64's finaliser over a mixed counter), so a sample resumed at position p after a
 * failure draws exactly what it would have drawn, and samples in one batch never share state.
 */
public final class CounterRandom {
    /** Stream used for the token draw at a position. */
    public static final int TOKEN_STREAM = 0;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private CounterRandom() {}

    /** Uniform double in [0, 1) with 53 random bits. */
    public static double uniform(long seed, long position, int stream) {
        long z = mix(seed + GOLDEN);
        z = mix(z ^ (position * GOLDEN + 0x632BE59BD9B4E019L));
        z = mix(z ^ ((long) stream * 0xD1B54A32D192ED03L + GOLDEN));
        return (z >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finaliser (Stafford variant 13): a bijection with full avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
