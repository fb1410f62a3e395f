/**
 * The generation engine: continuous batching over many samples, each with its own KV cache slot,
 * tokens handed to a {@link io.tessera.generator.engine.TokenListener} as they are sampled,
 * cancellation, bounded admission, hot-swapped policy weights, and state capture / restore for
 * checkpoints. The records here are the engine's public contract; everything else is internal.
 * {@link io.tessera.generator.engine.ReferenceGenerator} is the slow one-at-a-time oracle the engine is
 * tested against; {@link io.tessera.generator.engine.EngineBenchmark} is {@code bench engine}.
 */
package io.tessera.generator.engine;
