/**
 * The PolicyJob, online RL from Kafka: {@link io.tessera.jobs.policy.GroupJoinFunction} joins generations,
 * rewards and preference feedback per request with keyed state and timers;
 * {@link io.tessera.jobs.policy.PolicyTrainerFunction} (parallelism 1) runs GRPO and DPO updates with
 * {@code io.tessera.generator.rl.RlTrainer}, keeps the trainer in checkpointed operator state and publishes
 * {@code PolicyUpdate}s through {@link io.tessera.jobs.policy.WeightsPublisher}. Options:
 * {@link io.tessera.jobs.policy.PolicyOptions}.
 */
package io.tessera.jobs.policy;
