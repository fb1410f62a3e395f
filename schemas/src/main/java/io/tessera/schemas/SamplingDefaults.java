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
    /**
     * Softmax temperature. Low because the shipped model's video codes are additive (generator README, "Shipped
     * model"): within a patch code, the mask and the colour are drawn independently, so every object patch makes its
     * own colour draw. At 0.8 objects came out in a patchwork of colours (held-out text-to-video adherence 0.29 at
     * step 6,000); at 0.2 the final model scores 0.758 (0.717 at 0.1, 0.633 at 0.3).
     */
    public static final float TEMPERATURE = 0.2f;
    /** Nucleus (top-p) mass kept. */
    public static final float TOP_P = 0.95f;
    /** Top-k, 0 = off. */
    public static final int TOP_K = 0;
    /** Classifier-free guidance scale, 1 = off. */
    public static final float GUIDANCE = 1.5f;

    private SamplingDefaults() {}
}
