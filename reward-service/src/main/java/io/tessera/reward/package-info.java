/**
 * Rewards for generated clips: {@link io.tessera.reward.Reward} (a weighted sum of named scorer
 * components, weights in {@link io.tessera.reward.RewardConfig}) and {@link io.tessera.reward.ClipDecoder}
 * (generated tokens back to frames and audio, checked against the task's layout).
 */
package io.tessera.reward;
