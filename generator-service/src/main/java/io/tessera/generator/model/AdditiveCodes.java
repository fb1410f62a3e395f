package io.tessera.generator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;

/**
 * A block of token ids that are pairs (a, b) of two factors, id = {@code first + a * bs + b}, whose input
 * embedding rows and output columns are kept additive: row(a, b) = row_A(a) + row_B(b). The video codes
 * are such a block (mask a painted in colour b, {@code VideoTokenizer}): an embedding that is a sum sees a
 * green square as "square" plus "green", so what the model learns about a square's motion in red carries
 * over to green, instead of each (mask, colour) id having its own vector.
 *
 * <p>{@link #project} replaces the block by its least-squares additive fit, which on the complete
 * (as x bs) grid is the two-way main-effects fit: mean over b + mean over a - grand mean (per embedding
 * dimension). Training applies it after every optimizer step (a projected gradient method), so the model
 * keeps the same shape and file format and decodes exactly as any other; only the values are constrained.
 * Applied to the output projection's columns, the logits of the block become h.u(a) + h.v(b): within the
 * block, mask and colour are sampled independently given the context.
 *
 * @param first first id of the block
 * @param as    values of the first factor (the slower one in the id)
 * @param bs    values of the second factor
 */
public record AdditiveCodes(int first, int as, int bs) {

    public AdditiveCodes {
        if (first < 0 || as < 2 || bs < 2) {
            throw new IllegalArgumentException("an additive block needs first >= 0 and two factors of >= 2 values,"
                    + " got first=" + first + " as=" + as + " bs=" + bs);
        }
    }

    /** Ids in the block. */
    public int size() {
        return as * bs;
    }

    /** Projects the policy's token embedding rows and output columns of the block onto additive fits, in place. */
    public void project(Policy policy) {
        ModelConfig c = policy.config();
        if (first + size() > c.vocabSize()) {
            throw new IllegalArgumentException("additive block [" + first + ", " + (first + size())
                    + ") exceeds the vocabulary of " + c.vocabSize());
        }
        Weights w = policy.weights();
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager m = w.tokenEmbedding.getManager().newSubManager()) {
            NDIndex rows = new NDIndex("{}:{}", first, first + size());
            NDArray e = w.tokenEmbedding.get(rows); // (as * bs, D)
            e.attach(m);
            w.tokenEmbedding.set(rows, additiveFit(e.reshape(as, bs, c.dim())).reshape(size(), c.dim()));
            NDIndex cols = new NDIndex(":, {}:{}", first, first + size());
            NDArray o = w.output.get(cols); // (D, as * bs)
            o.attach(m);
            w.output.set(cols, additiveFit(o.reshape(c.dim(), as, bs).transpose(1, 2, 0))
                    .transpose(2, 0, 1).reshape(c.dim(), size()));
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** (A, B, D) -> mean over B + mean over A - grand mean: the closest (A, B, D) of the form u(a) + v(b). */
    static NDArray additiveFit(NDArray grid) {
        NDArray overB = grid.mean(new int[] {1}, true); // (A, 1, D)
        NDArray overA = grid.mean(new int[] {0}, true); // (1, B, D)
        NDArray grand = overB.mean(new int[] {0}, true); // (1, 1, D)
        return overB.add(overA).sub(grand); // (A, B, D)
    }
}
