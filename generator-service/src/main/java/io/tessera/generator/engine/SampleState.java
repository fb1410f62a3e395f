package io.tessera.generator.engine;

import java.util.Objects;

/**
 * A sample in flight, captured between decode steps: enough to resume it in another engine and get
 * the same tokens (sampling is a pure function of seed, position and logits).
 *
 * @param request       what was asked
 * @param generated     tokens sampled so far
 * @param logprobs      their log-probabilities under the policy that sampled each
 * @param versions      the policy version that sampled each token
 */
public record SampleState(SampleRequest request, int[] generated, float[] logprobs, long[] versions) {

    public SampleState {
        Objects.requireNonNull(request, "request");
        if (generated.length != logprobs.length || generated.length != versions.length) {
            throw new IllegalArgumentException("generated, logprobs and versions must have equal length");
        }
        generated = generated.clone();
        logprobs = logprobs.clone();
        versions = versions.clone();
    }

    /** Position of the next token to sample; also the random stream position. */
    public int nextPosition() {
        return generated.length;
    }
}
