package io.tessera.generator.train;

/**
 * One batch of training sequences. Row {@code b} is a sequence of token ids; {@code lossWeight[b][t]}
 * is how much token {@code t} counts as a training target (predicted from tokens {@code 0..t-1}):
 * 0 for a prompt that is read but not trained on, 1 for an ordinary target, more for the few tokens
 * that carry the prompt's meaning. {@code lossWeight[b][0]} is ignored (nothing precedes it). Rows
 * may differ in length; shorter rows are padded and masked. The loss is the weighted mean.
 */
public record TrainingBatch(int[][] tokens, float[][] lossWeight) {
    public TrainingBatch {
        if (tokens.length == 0 || tokens.length != lossWeight.length) {
            throw new IllegalArgumentException("a batch needs >= 1 row and one loss-weight row per row");
        }
        for (int b = 0; b < tokens.length; b++) {
            if (tokens[b].length < 2 || tokens[b].length != lossWeight[b].length) {
                throw new IllegalArgumentException("row " + b + " needs >= 2 tokens and a weight per token, got "
                        + tokens[b].length + " tokens and " + lossWeight[b].length + " weights");
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
