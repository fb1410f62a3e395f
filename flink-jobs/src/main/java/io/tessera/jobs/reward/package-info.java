/**
 * RewardJob: every finished sample on {@code tessera.generations} is decoded back to frames and audio
 * and scored by the reward-service scorers; the {@code Reward} goes to {@code tessera.rewards}, anything
 * that cannot be decoded or scored to the DLQ with the reason.
 */
package io.tessera.jobs.reward;
