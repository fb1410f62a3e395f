/**
 * Test-time search: {@link io.tessera.reward.search.BestOfN} samples N candidates with the generator's
 * engine and keeps the best by a reward; {@link io.tessera.reward.search.BestOfNEval} measures the
 * held-out adherence gain.
 */
package io.tessera.reward.search;
