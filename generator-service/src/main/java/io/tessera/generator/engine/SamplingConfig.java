package io.tessera.generator.engine;

/**
 * How tokens are drawn from the model's logits for one sample.
 *
 * @param temperature   logits are divided by this; must be &gt; 0 (use a tiny value for near-greedy)
 * @param topK          keep only the k most likely tokens; 0 disables
 * @param topP          keep the smallest set whose probability reaches p; 1 disables
 * @param guidanceScale classifier-free guidance: logits = uncond + s * (cond - uncond); 1 disables
 * @param seed          with the token position, fixes the random draw (counter-based stream)
 * @param guidedTokens  guidance applies to the first this many generated tokens only, 0 to every token. What a
 *                      prompt asks for is settled in the first frames; later frames follow from earlier ones.
 *                      Guiding them too keeps the prompt's objects present but makes them jump and flicker
 *                      (v5600 at scale 5); not guiding them moves objects smoothly but loses them more often.
 *                      {@code bin/tessera eval --guided-frames} measures the trade. Past this point the engine
 *                      frees the unconditional slot. Not carried by the Avro request or Flink state yet.
 */
public record SamplingConfig(float temperature, int topK, float topP, float guidanceScale, long seed, int guidedTokens) {

    public static final SamplingConfig DEFAULT = new SamplingConfig(1.0f, 0, 1.0f, 1.0f, 0L);

    /** Guidance (if any) on every generated token. */
    public SamplingConfig(float temperature, int topK, float topP, float guidanceScale, long seed) {
        this(temperature, topK, topP, guidanceScale, seed, 0);
    }

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
        if (guidedTokens < 0) {
            throw new IllegalArgumentException("guidedTokens must be >= 0 (0: every token), got " + guidedTokens);
        }
    }

    /** Whether classifier-free guidance applies at generated position {@code position} (given an unconditional prefix). */
    public boolean guidesAt(int position) {
        return guidanceScale != 1.0f && (guidedTokens == 0 || position < guidedTokens);
    }

    public SamplingConfig withSeed(long newSeed) {
        return new SamplingConfig(temperature, topK, topP, guidanceScale, newSeed, guidedTokens);
    }

    public SamplingConfig withGuidedTokens(int n) {
        return new SamplingConfig(temperature, topK, topP, guidanceScale, seed, n);
    }
}
