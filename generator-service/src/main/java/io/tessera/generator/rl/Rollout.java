package io.tessera.generator.rl;

/**
 * One scored sample for GRPO: the prefix the model saw, the tokens it generated and their reward.
 *
 * @param prefix        conditioning tokens (at least one: the first generated token is predicted from it)
 * @param tokens        generated tokens
 * @param reward        scalar reward of the sample
 * @param policyVersion the (oldest) policy version that sampled it, for staleness accounting
 */
public record Rollout(int[] prefix, int[] tokens, double reward, long policyVersion) {

    public Rollout {
        if (prefix == null || prefix.length == 0) {
            throw new IllegalArgumentException("a rollout needs a non-empty prefix");
        }
        if (tokens == null) {
            throw new IllegalArgumentException("a rollout needs its generated tokens");
        }
        if (!Double.isFinite(reward)) {
            throw new IllegalArgumentException("reward is not finite: " + reward);
        }
        prefix = prefix.clone();
        tokens = tokens.clone();
    }
}
