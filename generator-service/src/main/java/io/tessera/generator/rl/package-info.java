/**
 * Online RL for the transformer policy: {@link io.tessera.generator.rl.GroupAdvantages} (GRPO's
 * group-normalised advantages), {@link io.tessera.generator.rl.SequenceLogProbs} (log pi of generated
 * tokens by teacher forcing), {@link io.tessera.generator.rl.GrpoLoss} (PPO-clipped surrogate minus a
 * k3 KL penalty to the reference), {@link io.tessera.generator.rl.DpoLoss} and
 * {@link io.tessera.generator.rl.RlTrainer}, which owns the trainable and reference policies, AdamW, the
 * version counter and the checkpoint format. The Flink side ({@code io.tessera.jobs.policy.PolicyJob})
 * feeds it groups and preference pairs from Kafka.
 *
 * <p><b>Which log-probabilities the PPO ratio compares.</b> The engine records, per token, the
 * log-probability under the <i>sampling</i> distribution: after classifier-free guidance, the grammar
 * mask, temperature and top-k/top-p renormalisation ({@code Sampler}). That is not log pi_theta: at
 * temperature 0.8 or guidance 3 the two differ by far more than the clip range, and top-p gives tokens
 * outside the nucleus probability 0. A ratio between the recorded value and the trainer's log pi_theta
 * would be a ratio of two different distributions. The trainer therefore recomputes theta_old itself
 * at the start of each update with the same function it differentiates (temperature 1, no guidance,
 * full vocabulary), so rho = 1 exactly at the first inner step and only the inner steps move it.
 * Samples come from a policy at most K versions behind (the job drops older ones), which is the usual
 * one-step-off-policy approximation; the recorded log-probabilities are not used for an importance
 * correction for the same reason (they are of another distribution).
 */
package io.tessera.generator.rl;
