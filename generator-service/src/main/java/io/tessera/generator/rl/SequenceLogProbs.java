package io.tessera.generator.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.tessera.generator.model.ComputeDevice;
import io.tessera.generator.model.Policy;
import io.tessera.generator.model.Transformer;
import java.util.ArrayList;
import java.util.List;

/**
 * Log-probabilities of generated tokens under a policy's own conditional distribution:
 * {@code log pi(tokens_j | prefix, tokens_<j) = logSoftmax(Transformer.forward(prefix ++ tokens))[t, tokens_j]}
 * at temperature 1, without guidance, top-k/top-p truncation or the grammar mask. This is the quantity
 * the RL losses differentiate; see the package documentation for why the trainer never mixes it with
 * the engine's sampling-time log-probabilities.
 */
public final class SequenceLogProbs {

    private SequenceLogProbs() {}

    /** (B, T) log pi at every position of the batch (padding and prefix positions included; mask them). */
    static NDArray perToken(Policy policy, TokenBatch batch, NDManager step) {
        NDArray logits = Transformer.forward(policy, batch.inputs, step); // (B, T, V)
        NDArray logp = logits.logSoftmax(2); // (B, T, V)
        return logp.gather(batch.targets.expandDims(2), 2).squeeze(2); // (B, T)
    }

    /** As {@link #perToken} with gradient recording off (old and reference policies). */
    static NDArray perTokenNoGrad(Policy policy, TokenBatch batch, NDManager step) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return perToken(policy, batch, step);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /**
     * Per generated token, {@code log pi(tokens_b[j] | prefix_b, tokens_b[<j])}: row b has
     * {@code tokens.get(b).length} entries. No gradients; for diagnostics and tests.
     */
    public static float[][] of(Policy policy, List<int[]> prefixes, List<int[]> tokens) {
        try (NDManager m = NDManager.newBaseManager(policy.device(), ComputeDevice.ENGINE)) {
            TokenBatch batch = TokenBatch.pack(prefixes, tokens, policy.config().maxSeqLen(), m);
            float[] flat = perTokenNoGrad(policy, batch, m).toFloatArray(); // (B * T)
            int T = Math.toIntExact(batch.inputs.getShape().get(1));
            List<float[]> rows = new ArrayList<>();
            for (int b = 0; b < prefixes.size(); b++) {
                int p = prefixes.get(b).length;
                float[] row = new float[tokens.get(b).length];
                for (int j = 0; j < row.length; j++) {
                    row[j] = flat[b * T + p - 1 + j];
                }
                rows.add(row);
            }
            return rows.toArray(new float[0][]);
        }
    }
}
