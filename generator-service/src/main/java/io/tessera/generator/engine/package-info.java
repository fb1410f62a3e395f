/**
 * The generation engine: continuous batching over many samples, each with its own KV cache slot,
 * tokens handed to a {@link io.tessera.generator.engine.TokenListener} as they are sampled,
 * cancellation, bounded admission, hot-swapped policy weights, and state capture / restore for
 * checkpoints. The records here are the engine's public contract; everything else is internal.
 */
package io.tessera.generator.engine;
