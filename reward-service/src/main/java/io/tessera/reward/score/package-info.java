/**
 * The {@link io.tessera.reward.score.Scorer} interface and the rule-based scorers: prompt adherence (the
 * world's detector), temporal consistency (persistence, flicker, teleport) and audio-visual sync (bounce
 * clicks against visual bounces).
 */
package io.tessera.reward.score;
