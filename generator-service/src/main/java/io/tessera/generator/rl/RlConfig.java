package io.tessera.generator.rl;

/**
 * Hyper-parameters of {@link RlTrainer}, validated on construction.
 *
 * @param learningRate     AdamW step size (> 0)
 * @param weightDecay      AdamW decoupled decay on matrices (>= 0)
 * @param gradClip         global gradient-norm clip (> 0; the norm is reported before clipping)
 * @param clipEpsilon      PPO ratio clip eps: rho is clipped to [1 - eps, 1 + eps] (in (0, 1))
 * @param klBeta           weight of the k3 KL(new || ref) penalty in GRPO (>= 0)
 * @param dpoBeta          DPO temperature beta (> 0)
 * @param innerSteps       gradient steps per GRPO update on the same groups (>= 1); the first has rho = 1,
 *                         later ones move off theta_old and the clip can bind
 * @param advantageEpsilon eps in A = (r - mean) / (std + eps) (> 0)
 */
public record RlConfig(float learningRate, float weightDecay, float gradClip, float clipEpsilon, float klBeta,
        float dpoBeta, int innerSteps, float advantageEpsilon) {

    public static final float DEFAULT_LEARNING_RATE = 2e-5f;
    public static final float DEFAULT_CLIP_EPSILON = 0.2f;
    public static final float DEFAULT_KL_BETA = 0.02f;
    public static final float DEFAULT_DPO_BETA = 0.1f;
    public static final int DEFAULT_INNER_STEPS = 2;

    public RlConfig {
        positive(learningRate, "learningRate");
        if (!(weightDecay >= 0) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("RlConfig.weightDecay must be >= 0, got " + weightDecay);
        }
        positive(gradClip, "gradClip");
        if (!(clipEpsilon > 0 && clipEpsilon < 1)) {
            throw new IllegalArgumentException("RlConfig.clipEpsilon must be in (0, 1), got " + clipEpsilon);
        }
        if (!(klBeta >= 0) || !Float.isFinite(klBeta)) {
            throw new IllegalArgumentException("RlConfig.klBeta must be >= 0, got " + klBeta);
        }
        positive(dpoBeta, "dpoBeta");
        if (innerSteps < 1) {
            throw new IllegalArgumentException("RlConfig.innerSteps must be >= 1, got " + innerSteps);
        }
        positive(advantageEpsilon, "advantageEpsilon");
    }

    /** lr 2e-5, no decay, grad clip 1, eps 0.2, KL beta 0.02, DPO beta 0.1, 2 inner steps, advantage eps 1e-4. */
    public static RlConfig defaults() {
        return new RlConfig(DEFAULT_LEARNING_RATE, 0f, 1f, DEFAULT_CLIP_EPSILON, DEFAULT_KL_BETA, DEFAULT_DPO_BETA,
                DEFAULT_INNER_STEPS, 1e-4f);
    }

    public RlConfig withLearningRate(float lr) {
        return new RlConfig(lr, weightDecay, gradClip, clipEpsilon, klBeta, dpoBeta, innerSteps, advantageEpsilon);
    }

    private static void positive(float v, String name) {
        if (!(v > 0) || !Float.isFinite(v)) {
            throw new IllegalArgumentException("RlConfig." + name + " must be > 0, got " + v);
        }
    }
}
