/**
 * Turning logits into tokens: {@link io.tessera.generator.sampling.Sampler} (guidance, grammar mask,
 * temperature, top-k, top-p, inverse-CDF draw) over {@link io.tessera.generator.sampling.CounterRandom},
 * a counter-based stream, so the token at a position is a pure function of (seed, position, logits)
 * and a resumed sample draws the same tokens.
 */
package io.tessera.generator.sampling;
