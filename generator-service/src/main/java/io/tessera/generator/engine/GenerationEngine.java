package io.tessera.generator.engine;

import java.util.List;

/**
 * Continuous batching over one policy. Not thread-safe: one thread calls every method (in Flink,
 * the operator's task thread). The contract, which {@code GenerationEngineTest} pins:
 *
 * <ul>
 *   <li>{@link #submit} admits a sample into the queue or answers {@link Admission#FULL}; it never
 *       blocks and never grows past {@link EngineConfig#maxBatch()} + {@link EngineConfig#maxQueue()}.
 *   <li>{@link #step} moves queued samples into free slots (prefill), then runs one decode step for
 *       every active sample, calling the listener with each sampled token, and finishing samples
 *       that reach their length or end of sequence. Samples join and leave between steps.
 *   <li>The token sampled at position p of a sample depends only on the policy, the prefix, the
 *       tokens before p, and (seed, p): batched generation equals one-at-a-time generation.
 *   <li>{@link #cancel} frees the slot at once and calls {@code onFinished(CANCELLED)}.
 *   <li>{@link #swapPolicy} takes effect before the next decode step; in-flight samples continue
 *       under the new weights; each token reports the version that sampled it.
 *   <li>{@link #snapshot} captures every admitted sample; {@link #resume} re-admits one (rebuilding
 *       its KV cache from prefix + generated tokens) so it continues exactly where it stopped.
 * </ul>
 */
public final class GenerationEngine implements AutoCloseable {

    public GenerationEngine(io.tessera.generator.model.Policy policy, EngineConfig config) {
        throw new UnsupportedOperationException("being built");
    }

    public Admission submit(SampleRequest request, TokenListener listener) {
        throw new UnsupportedOperationException("being built");
    }

    public Admission resume(SampleState state, TokenListener listener) {
        throw new UnsupportedOperationException("being built");
    }

    public boolean cancel(String sampleId) {
        throw new UnsupportedOperationException("being built");
    }

    /** Runs one prefill-and-decode step; returns how many samples are admitted afterwards. */
    public int step() {
        throw new UnsupportedOperationException("being built");
    }

    /** Samples admitted (active plus queued). */
    public int admitted() {
        throw new UnsupportedOperationException("being built");
    }

    public int active() {
        throw new UnsupportedOperationException("being built");
    }

    public int queued() {
        throw new UnsupportedOperationException("being built");
    }

    public boolean hasCapacity() {
        throw new UnsupportedOperationException("being built");
    }

    public List<SampleState> snapshot() {
        throw new UnsupportedOperationException("being built");
    }

    public void swapPolicy(io.tessera.generator.model.Policy next) {
        throw new UnsupportedOperationException("being built");
    }

    public long policyVersion() {
        throw new UnsupportedOperationException("being built");
    }

    @Override
    public void close() {}
}
