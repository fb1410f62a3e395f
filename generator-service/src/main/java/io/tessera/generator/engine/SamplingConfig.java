package io.tessera.generator.engine;

/**
 * How tokens are drawn from the model's logits for one sample.
 *
 * @param temperature   logits are divided by this; must be &gt; 0 (use a tiny value for near-greedy)
 * @param topK          keep only the k most likely tokens; 0 disables
 * @param topP          keep the smallest set whose probability reaches p; 1 disables
 * @param guidanceScale classifier-free guidance: logits = uncond + s * (cond - uncond); 1 disables
 * @param seed          with the token position, fixes the random draw (counter-based stream)
 */
public record SamplingConfig(float temperature, int topK, float topP, float guidanceScale, long seed) {

    public static final SamplingConfig DEFAULT = new SamplingConfig(1.0f, 0, 1.0f, 1.0f, 0L);

    public SamplingConfig {
        if (!(temperature > 0f) || !Float.isFinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (!(guidanceScale >= 0f) || !Float.isFinite(guidanceScale)) {
            throw new IllegalArgumentException("guidanceScale must be >= 0, got " + guidanceScale);
        }
    }

    public SamplingConfig withSeed(long newSeed) {
        return new SamplingConfig(temperature, topK, topP, guidanceScale, newSeed);
    }
}
