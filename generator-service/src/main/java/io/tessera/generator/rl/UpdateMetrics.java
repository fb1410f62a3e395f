package io.tessera.generator.rl;

/**
 * What one trainer update did. Fields that do not apply to a kind are NaN.
 *
 * @param kind         GRPO or DPO
 * @param version      the trainer's policy version after the update
 * @param loss         loss of the last inner step
 * @param meanReward   GRPO: mean reward of the samples; DPO: NaN
 * @param kl           GRPO: mean k3 KL(new || ref) of the last inner step; DPO: NaN
 * @param clipFraction GRPO: share of tokens clipped in the last inner step; DPO: NaN
 * @param accuracy     DPO: share of pairs whose implicit reward margin is positive; GRPO: NaN
 * @param gradNorm     global gradient norm before clipping, last inner step
 * @param samples      sequences trained on (DPO: 2 per pair)
 * @param tokens       generated tokens trained on
 * @param seconds      wall time of the update
 * @param skipped      true when the gradient was not finite and no step was taken
 */
public record UpdateMetrics(Kind kind, long version, double loss, double meanReward, double kl, double clipFraction,
        double accuracy, double gradNorm, int samples, int tokens, double seconds, boolean skipped) {

    public enum Kind { GRPO, DPO }
}
