package io.tessera.generator.rl;

import ai.djl.ndarray.NDArray;

/**
 * Direct preference optimisation over pairs (y_w preferred to y_l), with sequence log-probabilities
 * (sums over the generated tokens):
 *
 * <pre>
 *   margin = beta * ((logp(y_w) - logp_ref(y_w)) - (logp(y_l) - logp_ref(y_l)))
 *   loss   = mean( -log sigmoid(margin) ) = mean( softplus(-margin) )
 * </pre>
 * softplus(z) = max(z, 0) + log(1 + exp(-|z|)) keeps large margins finite.
 */
public final class DpoLoss {

    private DpoLoss() {}

    /**
     * @param loss     scalar to minimise, differentiable through {@code logpChosen} and {@code logpRejected}
     * @param accuracy scalar, share of pairs with a positive margin
     * @param margin   scalar, mean margin
     */
    public record Result(NDArray loss, NDArray accuracy, NDArray margin) {}

    /** Each argument (P): sequence log-probabilities of the chosen and rejected samples under pi and pi_ref. */
    public static Result compute(NDArray logpChosen, NDArray refChosen, NDArray logpRejected, NDArray refRejected,
            float beta) {
        NDArray chosen = logpChosen.sub(refChosen); // (P) log pi/pi_ref of y_w
        NDArray rejected = logpRejected.sub(refRejected); // (P) log pi/pi_ref of y_l
        NDArray margin = chosen.sub(rejected).mul(beta); // (P)
        NDArray z = margin.neg(); // (P)
        NDArray softplus = z.maximum(0f).add(z.abs().neg().exp().add(1f).log()); // (P) -log sigmoid(margin)
        return new Result(softplus.mean(), margin.gt(0f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean(),
                margin.mean());
    }
}
