package io.tessera.generator.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * One sample the engine is asked to generate: plain data, so it can be kept in checkpointed state.
 *
 * @param sampleId             unique within the engine, e.g. {@code requestId + "#" + sampleIndex}
 * @param prefix               the conditioning tokens the model reads first (task, text, media)
 * @param unconditionalPrefix  the prefix with the condition dropped, for classifier-free guidance;
 *                             {@code null} when guidance is off
 * @param maxNewTokens         how many tokens to generate at most
 * @param grammar              which ids each generated position may take
 * @param sampling             temperature, top-k, top-p, guidance, seed
 * @param arrivedAtNanos       {@link System#nanoTime()} when the request arrived, for queue and
 *                             time-to-first-token figures
 */
public record SampleRequest(
        String sampleId,
        int[] prefix,
        int[] unconditionalPrefix,
        int maxNewTokens,
        TokenGrammar grammar,
        SamplingConfig sampling,
        long arrivedAtNanos) {

    public SampleRequest {
        Objects.requireNonNull(sampleId, "sampleId");
        Objects.requireNonNull(grammar, "grammar");
        Objects.requireNonNull(sampling, "sampling");
        if (prefix == null || prefix.length == 0) {
            throw new IllegalArgumentException("prefix must hold at least one token");
        }
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be > 0, got " + maxNewTokens);
        }
        prefix = prefix.clone();
        unconditionalPrefix = unconditionalPrefix == null ? null : unconditionalPrefix.clone();
    }

    /** Whether any generated token is guided (the sample starts with an unconditional slot). */
    public boolean guided() {
        return guidedAt(0);
    }

    /** Whether the token at generated position {@code position} is sampled with classifier-free guidance. */
    public boolean guidedAt(int position) {
        return unconditionalPrefix != null && sampling.guidesAt(position);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleRequest r
                && sampleId.equals(r.sampleId)
                && Arrays.equals(prefix, r.prefix)
                && Arrays.equals(unconditionalPrefix, r.unconditionalPrefix)
                && maxNewTokens == r.maxNewTokens
                && grammar.equals(r.grammar)
                && sampling.equals(r.sampling)
                && arrivedAtNanos == r.arrivedAtNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sampleId, Arrays.hashCode(prefix), maxNewTokens, sampling);
    }

    @Override
    public String toString() {
        return "SampleRequest[" + sampleId + ", prefix=" + prefix.length + ", maxNewTokens=" + maxNewTokens + "]";
    }
}
