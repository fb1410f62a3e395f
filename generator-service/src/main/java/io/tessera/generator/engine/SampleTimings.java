package io.tessera.generator.engine;

/**
 * Where a sample's time went, in nanoseconds from {@link SampleRequest#arrivedAtNanos()}.
 *
 * @param queuedNanos       until its first decode step (prefill) started
 * @param firstTokenNanos   until its first token was sampled; -1 if none
 * @param totalNanos        until it finished
 * @param tokens            how many tokens it produced
 */
public record SampleTimings(long queuedNanos, long firstTokenNanos, long totalNanos, int tokens) {}
