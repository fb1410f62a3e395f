package io.tessera.generator.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * GRPO's objective with a PPO clip and a KL penalty to the reference policy, per generated token t of
 * sample i:
 *
 * <pre>
 *   rho_it = exp(logp_new - logp_old)
 *   J_it   = min(rho_it * A_i, clip(rho_it, 1 - eps, 1 + eps) * A_i) - beta * KL_it
 *   KL_it  = exp(logp_ref - logp_new) - (logp_ref - logp_new) - 1        (k3 estimator of KL(new || ref), >= 0)
 *   loss   = - mean_i ( mean_t J_it )                                      (tokens first, then samples)
 * </pre>
 */
public final class GrpoLoss {

    private GrpoLoss() {}

    /**
     * @param loss         scalar to minimise, differentiable through {@code logpNew}
     * @param kl           scalar, mean over samples of the per-sample mean k3 KL
     * @param clipFraction scalar, share of generated tokens whose clipped term is the active one
     */
    public record Result(NDArray loss, NDArray kl, NDArray clipFraction) {}

    /**
     * @param logpNew (B, T) log pi_theta of the generated tokens, with gradient
     * @param logpOld (B, T) log pi_theta_old (no gradient)
     * @param logpRef (B, T) log pi_ref (no gradient)
     * @param adv     (B) advantage per sample
     * @param mask    (B, T) 1 at generated-token positions, else 0
     * @param counts  (B) generated tokens per sample, >= 1
     */
    public static Result compute(NDArray logpNew, NDArray logpOld, NDArray logpRef, NDArray adv, NDArray mask,
            NDArray counts, float clipEps, float beta) {
        NDArray a = adv.expandDims(1); // (B, 1)
        NDArray rho = logpNew.sub(logpOld).exp(); // (B, T)
        NDArray unclipped = rho.mul(a); // (B, T)
        NDArray clipped = rho.clip(1f - clipEps, 1f + clipEps).mul(a); // (B, T)
        NDArray surrogate = unclipped.minimum(clipped); // (B, T)
        NDArray d = logpNew.neg().add(logpRef); // (B, T) logp_ref - logp_new (on logpNew's manager)
        NDArray kl = d.exp().sub(d).sub(1f); // (B, T)
        NDArray objective = surrogate.sub(kl.mul(beta)); // (B, T)
        NDArray perSample = objective.mul(mask).sum(new int[] {1}).div(counts); // (B)
        NDArray loss = perSample.mean().neg(); // ()
        NDArray klPerSample = kl.mul(mask).sum(new int[] {1}).div(counts); // (B)
        // the clipped term is the minimum (and differs) when A > 0 and rho > 1 + eps, or A < 0 and rho < 1 - eps
        NDArray active = a.gt(0f).logicalAnd(rho.gt(1f + clipEps))
                .logicalOr(a.lt(0f).logicalAnd(rho.lt(1f - clipEps)))
                .toType(DataType.FLOAT32, false); // (B, T)
        NDArray clipFraction = active.mul(mask).sum().div(mask.sum().maximum(1f)); // ()
        return new Result(loss, klPerSample.mean(), clipFraction);
    }
}
