package io.tessera.generator.sampling;

import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenGrammar;
import java.util.Arrays;

/**
 * Draws one token from a row of logits. The result depends only on (logits, config, grammar,
 * position): the random number comes from {@link CounterRandom} at (seed, position). Steps, in order:
 *
 * <ol>
 *   <li>classifier-free guidance: {@code l = uncond + s * (cond - uncond)} (when an unconditional row is given);
 *   <li>grammar: only ids in {@code [lo(p), hi(p))} stay;
 *   <li>temperature: {@code l / T}, softmax over the allowed ids (in double);
 *   <li>top-k, then top-p (nucleus) on the probabilities; the rest is renormalised;
 *   <li>inverse CDF in ascending id order with {@code u = uniform(seed, p)}. Id order (not probability
 *       order) keeps the draw stable when two near-equal probabilities swap rank by rounding.
 * </ol>
 * The log-probability returned is that of the chosen id under this final distribution.
 */
public final class Sampler {

    /** One sampled token and its log-probability under the final sampling distribution. */
    public record Draw(int token, float logprob) {}

    private Sampler() {}

    /**
     * @param cond      logits from the conditioned sequence (vocab)
     * @param uncond    logits from the unconditional sequence, or null without guidance
     * @param position  index of the token in the generated sequence (the random stream position)
     */
    public static Draw sample(float[] cond, float[] uncond, SamplingConfig cfg, TokenGrammar grammar, int position) {
        return sample(cond, 0, uncond, 0, cond.length, cfg, grammar, position);
    }

    /** As {@link #sample(float[], float[], SamplingConfig, TokenGrammar, int)} over rows at offsets of flat arrays. */
    public static Draw sample(float[] cond, int condOffset, float[] uncond, int uncondOffset, int vocab,
            SamplingConfig cfg, TokenGrammar grammar, int position) {
        int lo = Math.min(grammar.lowerBound(position), vocab);
        int hi = Math.min(grammar.upperBound(position), vocab);
        if (hi <= lo) {
            throw new IllegalArgumentException("grammar allows no id of a " + vocab + "-token vocabulary at position "
                    + position + ": [" + grammar.lowerBound(position) + ", " + grammar.upperBound(position) + ")");
        }
        int n = hi - lo;
        double s = cfg.guidanceScale();
        double[] p = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double c = cond[condOffset + lo + i];
            double l = uncond == null ? c : uncond[uncondOffset + lo + i] + s * (c - uncond[uncondOffset + lo + i]);
            p[i] = l / cfg.temperature();
            if (Double.isNaN(p[i])) {
                throw new IllegalArgumentException("logit for id " + (lo + i) + " is NaN at position " + position);
            }
            max = Math.max(max, p[i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(p[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        boolean truncate = (cfg.topK() > 0 && cfg.topK() < n) || cfg.topP() < 1f;
        if (truncate) {
            keepTop(p, cfg.topK(), cfg.topP());
        }
        double u = CounterRandom.uniform(cfg.seed(), position, CounterRandom.TOKEN_STREAM);
        double total = 0;
        for (double v : p) {
            total += v;
        }
        double target = u * total;
        double acc = 0;
        int chosen = -1;
        for (int i = 0; i < n; i++) {
            if (p[i] <= 0) {
                continue;
            }
            acc += p[i];
            chosen = i;
            if (target < acc) {
                break;
            }
        }
        return new Draw(lo + chosen, (float) Math.log(p[chosen] / total));
    }

    /** Zeroes every probability outside the top-k and outside the smallest set reaching topP. */
    private static void keepTop(double[] p, int topK, float topP) {
        int n = p.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // descending probability, ties by ascending id: a total order, so the kept set is well defined
        Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        int keep = topK > 0 ? Math.min(topK, n) : n;
        if (topP < 1f) {
            double kept = 0;
            for (int r = 0; r < keep; r++) {
                kept += p[order[r]];
            }
            double acc = 0;
            for (int r = 0; r < keep; r++) {
                acc += p[order[r]];
                if (acc >= topP * kept) {
                    keep = r + 1;
                    break;
                }
            }
        }
        for (int r = keep; r < n; r++) {
            p[order[r]] = 0;
        }
    }
}
