package io.tessera.generator.sampling;

import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenGrammar;
import java.util.Arrays;

/**
 * Draws one token from a row of logits. The result depends only on (logits, config, grammar,
 * position): the random number comes from {@link CounterRandom} at (seed, position). Steps, in order:
 *
 * <ol>
 *   <li>classifier-free guidance: {@code l = uncond + s * (cond - uncond)} (when an unconditional row is given
 *       and {@link SamplingConfig#guidesAt} the position);
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
        boolean guided = uncond != null && cfg.guidesAt(position);
        double temperature = cfg.temperature();
        double[] w = new double[n]; // logits / T, then unnormalised probabilities exp(l / T - max)
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double c = cond[condOffset + lo + i];
            double l = !guided ? c : uncond[uncondOffset + lo + i] + s * (c - uncond[uncondOffset + lo + i]);
            w[i] = l / temperature;
            if (Double.isNaN(w[i])) {
                throw new IllegalArgumentException("logit for id " + (lo + i) + " is NaN at position " + position);
            }
            max = Math.max(max, w[i]);
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            w[i] = Math.exp(w[i] - max);
            total += w[i];
        }
        if ((cfg.topK() > 0 && cfg.topK() < n) || cfg.topP() < 1f) {
            total = keepTop(w, total, cfg.topK(), cfg.topP());
        }
        // inverse CDF over the unnormalised weights: the first id whose cumulative weight passes u * total
        double target = CounterRandom.uniform(cfg.seed(), position, CounterRandom.TOKEN_STREAM) * total;
        double acc = 0;
        int chosen = -1;
        for (int i = 0; i < n; i++) {
            if (w[i] <= 0) {
                continue;
            }
            acc += w[i];
            chosen = i;
            if (target < acc) {
                break;
            }
        }
        return new Draw(lo + chosen, (float) Math.log(w[chosen] / total));
    }

    /**
     * Zeroes every weight outside the top-k and outside the smallest set of the largest weights whose share of the
     * top-k's mass reaches topP (order: descending weight, ties by ascending id, a total order, so the kept set is
     * well defined); returns the kept weights' sum.
     *
     * <p>How, without sorting boxed ids: sort a primitive copy of the candidate weights to find the cut-off weight;
     * the kept set is every id above it plus, among ids equal to it, the lowest ids. With top-p alone, weights at
     * or below {@code (1 - topP) * total / n} are not candidates: all of them together hold at most {@code 1 - topP}
     * of the mass, so they lie in the dropped tail (a trained model puts almost all of its vocabulary there).
     */
    private static double keepTop(double[] w, double total, int topK, float topP) {
        int n = w.length;
        boolean topKActive = topK > 0 && topK < n;
        double floor = topKActive ? Double.NEGATIVE_INFINITY : (1 - topP) * total / n;
        int m = 0;
        for (double v : w) {
            m += v > floor ? 1 : 0;
        }
        double[] sorted = new double[m];
        for (int i = 0, j = 0; i < n; i++) {
            if (w[i] > floor) {
                sorted[j++] = w[i];
            }
        }
        Arrays.sort(sorted); // ascending: rank r (0 = largest) is sorted[m - 1 - r]
        int keep = topKActive ? topK : m;
        double kept = 0;
        if (topKActive) {
            for (int r = 0; r < keep; r++) {
                kept += sorted[m - 1 - r];
            }
        } else {
            kept = total;
        }
        if (topP < 1f) {
            double acc = 0;
            for (int r = 0; r < keep; r++) {
                acc += sorted[m - 1 - r];
                if (acc >= topP * kept) {
                    keep = r + 1;
                    break;
                }
            }
        }
        double cutoff = sorted[m - keep];
        int above = 0;
        for (double v : w) {
            above += v > cutoff ? 1 : 0;
        }
        int tiesKept = keep - above;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (w[i] > cutoff || (w[i] == cutoff && tiesKept-- > 0)) {
                sum += w[i];
            } else {
                w[i] = 0;
            }
        }
        return sum;
    }
}
