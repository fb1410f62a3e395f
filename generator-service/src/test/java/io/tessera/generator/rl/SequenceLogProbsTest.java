package io.tessera.generator.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenGrammar;
import io.tessera.generator.model.ComputeDevice;
import io.tessera.generator.model.Policy;
import io.tessera.generator.model.Transformer;
import io.tessera.generator.sampling.Sampler;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The log-probabilities the trainer differentiates against what the engine's sampler records: equal at
 * temperature 1 without guidance or truncation, different otherwise (why the trainer recomputes theta_old).
 */
class SequenceLogProbsTest {

    private static float[] nextLogits(Policy p, int[] seq) {
        try (NDManager m = NDManager.newBaseManager(ComputeDevice.get(), ComputeDevice.ENGINE)) {
            long[] ids = new long[seq.length];
            for (int i = 0; i < seq.length; i++) {
                ids[i] = seq[i];
            }
            return Transformer.forward(p, m.create(ids, new Shape(1, seq.length)), m).get("0, -1, :").toFloatArray();
        }
    }

    @Test
    void matchesTheSamplersLogprobAtTemperatureOneAndDiffersOtherwise() {
        try (Policy p = Policy.randomInit(RlTrainerTest.TINY, 9L)) {
            int[] prefix = {0, 1};
            int[] tokens = {4, 2, 5};
            float[] ours = SequenceLogProbs.of(p, List.of(prefix, new int[] {7 % 6}), List.of(tokens, new int[] {3}))[0];
            TokenGrammar any = TokenGrammar.unconstrained(RlTrainerTest.TINY.vocabSize());
            double gap = 0;
            for (int j = 0; j < tokens.length; j++) {
                int[] seq = new int[prefix.length + j];
                System.arraycopy(prefix, 0, seq, 0, prefix.length);
                System.arraycopy(tokens, 0, seq, prefix.length, j);
                float[] logits = nextLogits(p, seq);
                // the sampler's logprob of whichever token it draws, at T = 1: compare at that token
                Sampler.Draw d = Sampler.sample(logits, null, new SamplingConfig(1f, 0, 1f, 1f, 11), any, j);
                float[] lp = SequenceLogProbs.of(p, List.of(seq), List.of(new int[] {d.token()}))[0];
                assertThat(lp[0]).isCloseTo(d.logprob(), within(1e-4f));
                Sampler.Draw cold = Sampler.sample(logits, null, new SamplingConfig(0.5f, 0, 1f, 1f, 11), any, j);
                float[] lpCold = SequenceLogProbs.of(p, List.of(seq), List.of(new int[] {cold.token()}))[0];
                gap += Math.abs(lpCold[0] - cold.logprob());
                // and the batched row agrees with the one-token-at-a-time row
                float[] step = SequenceLogProbs.of(p, List.of(seq), List.of(new int[] {tokens[j]}))[0];
                assertThat(ours[j]).isCloseTo(step[0], within(1e-4f));
            }
            assertThat(gap).as("temperature 0.5 changes the recorded logprob").isGreaterThan(1e-2);
        }
    }
}
