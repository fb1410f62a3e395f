package io.tessera.generator.train;

/**
 * One batch of training sequences. Row {@code b} is a sequence of token ids; {@code lossMask[b][t]}
 * says whether token {@code t} is a training target (predicted from tokens {@code 0..t-1}), so a
 * prompt can be read without being trained on. {@code lossMask[b][0]} is ignored (nothing precedes
 * it). Rows may differ in length; shorter rows are padded and masked.
 */
public record TrainingBatch(int[][] tokens, boolean[][] lossMask) {
    public TrainingBatch {
        if (tokens.length == 0 || tokens.length != lossMask.length) {
            throw new IllegalArgumentException("a batch needs >= 1 row and one loss mask per row");
        }
        for (int b = 0; b < tokens.length; b++) {
            if (tokens[b].length < 2 || tokens[b].length != lossMask[b].length) {
                throw new IllegalArgumentException("row " + b + " needs >= 2 tokens and a mask of the same length, got "
                        + tokens[b].length + " tokens and " + lossMask[b].length + " mask entries");
            }
        }
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
