package io.tessera.generator.train;

/**
 * One batch of training sequences. Row {@code b} is a sequence of token ids; {@code lossWeight[b][t]}
 * is how much token {@code t} counts as a training target (predicted from tokens {@code 0..t-1}):
 * 0 for a prompt that is read but not trained on, 1 for an ordinary target, more for the few tokens
 * that carry the prompt's meaning. {@code lossWeight[b][0]} is ignored (nothing precedes it). Rows
 * may differ in length; shorter rows are padded and masked. The loss is the weighted mean.
 *
 * <p>{@code inputs} is what the model reads: the same as {@code tokens} unless the history was corrupted on
 * purpose ({@code ContextNoise}); token {@code t}'s target is always the clean {@code tokens[b][t]}, predicted
 * from {@code inputs[b][0..t-1]}.
 */
public record TrainingBatch(int[][] tokens, float[][] lossWeight, int[][] inputs) {
    /** A batch whose model inputs are its tokens (no corrupted history). */
    public TrainingBatch(int[][] tokens, float[][] lossWeight) {
        this(tokens, lossWeight, tokens);
    }

    public TrainingBatch {
        if (tokens.length == 0 || tokens.length != lossWeight.length || tokens.length != inputs.length) {
            throw new IllegalArgumentException(
                    "a batch needs >= 1 row and one loss-weight row and one input row per row");
        }
        for (int b = 0; b < tokens.length; b++) {
            int n = tokens[b].length;
            if (n < 2 || n != lossWeight[b].length || n != inputs[b].length) {
                throw new IllegalArgumentException("row " + b + " needs >= 2 tokens and a weight and an input per token,"
                        + " got " + n + " tokens, " + lossWeight[b].length + " weights and " + inputs[b].length + " inputs");
            }
            for (float w : lossWeight[b]) {
                if (!(w >= 0f) || !Float.isFinite(w)) {
                    throw new IllegalArgumentException("row " + b + " has loss weight " + w + "; weights must be finite and >= 0");
                }
            }
        }
    }

    /** A batch whose targets all weigh 1: {@code lossMask[b][t]} says whether token t is a target. */
    public static TrainingBatch masked(int[][] tokens, boolean[][] lossMask) {
        float[][] w = new float[lossMask.length][];
        for (int b = 0; b < lossMask.length; b++) {
            w[b] = new float[lossMask[b].length];
            for (int t = 0; t < w[b].length; t++) {
                w[b][t] = lossMask[b][t] ? 1f : 0f;
            }
        }
        return new TrainingBatch(tokens, w);
    }

    /** Whether token {@code t} of row {@code b} is a training target. */
    public boolean isTarget(int b, int t) {
        return lossWeight[b][t] > 0f;
    }

    /** Longest row. */
    public int maxLength() {
        int m = 0;
        for (int[] row : tokens) {
            m = Math.max(m, row.length);
        }
        return m;
    }
}
