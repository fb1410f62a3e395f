package io.tessera.schemas;

/**
 * How Tessera samples when a user does not say: {@code bin/tessera generate}, {@code eval}, {@code score best-of},
 * the gateway (a request body without {@code sampling}) and the demo all start from these. They are what the
 * shipped model was measured with (generator-service README, "Shipped model").
 *
 * <p>Why guidance is light: guidance 5 raised the detector's adherence of the older model (v5600) by spraying
 * frames with blobs of every colour (2.5 objects per held-out clip in colours the prompt did not name), so a
 * prompt's colour was "found" by chance and tracks flickered. The drilled model reads the prompt itself; at
 * guidance 1.5 its clips hold the prompt's objects and little else.
 */
public final class SamplingDefaults {
    /** Softmax temperature. */
    public static final float TEMPERATURE = 0.8f;
    /** Nucleus (top-p) mass kept. */
    public static final float TOP_P = 0.95f;
    /** Top-k, 0 = off. */
    public static final int TOP_K = 0;
    /** Classifier-free guidance scale, 1 = off. */
    public static final float GUIDANCE = 1.5f;

    private SamplingDefaults() {}
}
