package io.tessera.generator.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Sequences {@code s_b = prefix_b ++ tokens_b} packed for one teacher-forced forward pass, right-padded
 * with id 0 (the attention is causal, so padding after a row's end changes nothing before it).
 * Position t of row b reads {@code s_b[t]} and predicts {@code s_b[t + 1]}; the generated token
 * {@code tokens_b[j]} is therefore predicted at position {@code |prefix_b| - 1 + j}.
 */
final class TokenBatch {
    final NDArray inputs; // (B, T) int64: s_b[0 .. T-1]
    final NDArray targets; // (B, T) int64: s_b[1 .. T]
    final NDArray mask; // (B, T) float32: 1 where targets[b, t] is a generated token
    final NDArray counts; // (B) float32: generated tokens per row (>= 1 to keep means finite)
    final int rows;
    final int generatedTokens;

    private TokenBatch(NDArray inputs, NDArray targets, NDArray mask, NDArray counts, int rows, int generated) {
        this.inputs = inputs;
        this.targets = targets;
        this.mask = mask;
        this.counts = counts;
        this.rows = rows;
        this.generatedTokens = generated;
    }

    /** Longest {@code prefix ++ tokens} a model with {@code maxSeqLen} can score (the last token is never read). */
    static boolean fits(int prefixLength, int tokensLength, int maxSeqLen) {
        return prefixLength >= 1 && prefixLength + tokensLength - 1 <= maxSeqLen;
    }

    static TokenBatch pack(List<int[]> prefixes, List<int[]> tokens, int maxSeqLen, NDManager m) {
        int B = prefixes.size();
        if (B == 0 || tokens.size() != B) {
            throw new IllegalArgumentException("need as many token rows as prefixes (and at least one), got "
                    + B + " and " + tokens.size());
        }
        int T = 1;
        for (int b = 0; b < B; b++) {
            int p = prefixes.get(b).length, g = tokens.get(b).length;
            if (!fits(p, g, maxSeqLen)) {
                throw new IllegalArgumentException("row " + b + ": prefix of " + p + " and " + g
                        + " generated tokens do not fit maxSeqLen " + maxSeqLen + " (or the prefix is empty)");
            }
            T = Math.max(T, p + g - 1);
        }
        long[] x = new long[B * T];
        long[] y = new long[B * T];
        float[] w = new float[B * T];
        float[] n = new float[B];
        int generated = 0;
        for (int b = 0; b < B; b++) {
            int[] prefix = prefixes.get(b);
            int[] gen = tokens.get(b);
            int len = prefix.length + gen.length; // |s_b|
            for (int t = 0; t + 1 < len; t++) {
                x[b * T + t] = at(prefix, gen, t);
                y[b * T + t] = at(prefix, gen, t + 1);
                if (t + 1 >= prefix.length) {
                    w[b * T + t] = 1f;
                }
            }
            n[b] = Math.max(1, gen.length);
            generated += gen.length;
        }
        Shape s = new Shape(B, T);
        return new TokenBatch(m.create(x, s), m.create(y, s), m.create(w, s), m.create(n, new Shape(B)), B,
                generated);
    }

    private static int at(int[] prefix, int[] gen, int i) {
        return i < prefix.length ? prefix[i] : gen[i - prefix.length];
    }
}
