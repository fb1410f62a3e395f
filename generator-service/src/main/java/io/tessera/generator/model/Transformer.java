package io.tessera.generator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

/**
 * The decoder-only transformer: token embedding, {@code layers} pre-norm blocks (RMSNorm, causal
 * multi-head attention with RoPE, RMSNorm, SwiGLU MLP), a final RMSNorm and an untied output
 * projection. Two paths share the same math:
 *
 * <ul>
 *   <li>{@link #forward}: a full (batch, T) sequence from position 0, for training and prefill;
 *   <li>{@link #decode}: one new token per active KV-cache slot, each at its own position.
 * </ul>
 *
 * Memory rule (STACK.md): an op's result lives on the manager of its first operand, so every result
 * derived from a long-lived array (weights, cache, RoPE tables) is attached to the caller's step
 * manager via {@link #own}; every other op here starts from a step-scoped array.
 */
public final class Transformer {
    /** Additive mask value; finite so a fully masked row cannot produce NaN. */
    private static final float MASKED = -1e9f;
    private static final float NORM_EPS = 1e-5f;

    private Transformer() {}

    /**
     * Full causal forward from position 0.
     *
     * @param tokens (batch, T) integer ids, any integer type, on any manager; {@code T <= maxSeqLen}
     * @param step   manager that owns every intermediate and the result
     * @return logits (batch, T, vocabSize) on {@code step}
     */
    public static NDArray forward(Policy policy, NDArray tokens, NDManager step) {
        return forward(policy, tokens, step, null, null, 0f);
    }

    /**
     * As {@link #forward(Policy, NDArray, NDManager)} for training with residual dropout: the embedding and every
     * block's attention and MLP outputs are zeroed at rate {@code dropout} and the rest scaled by
     * {@code 1 / (1 - dropout)} before they join the residual stream (GPT-2's embd and resid dropout). The masks
     * come from the engine's random generator; seed it per step for a reproducible run.
     */
    public static NDArray forward(Policy policy, NDArray tokens, NDManager step, float dropout) {
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        return forward(policy, tokens, step, null, null, dropout);
    }

    /** As {@link #forward(Policy, NDArray, NDManager)}; if {@code cache != null} also writes row b's K, V into slot {@code slots[b]}. */
    static NDArray forward(Policy policy, NDArray tokens, NDManager step, KvCache cache, NDArray slots) {
        return forward(policy, tokens, step, cache, slots, 0f);
    }

    private static NDArray forward(Policy policy, NDArray tokens, NDManager step, KvCache cache, NDArray slots,
            float dropout) {
        ModelConfig c = policy.config();
        Weights w = policy.weights();
        Rope rope = policy.rope();
        long B = tokens.getShape().get(0);
        int T = Math.toIntExact(tokens.getShape().get(1));
        if (T > c.maxSeqLen()) {
            throw new IllegalArgumentException("sequence of " + T + " tokens exceeds maxSeqLen " + c.maxSeqLen());
        }
        int H = c.heads(), hd = c.headDim(), D = c.dim();
        NDArray ids = own(tokens.toType(DataType.INT64, true), step);
        NDArray cos = own(rope.cos.get("0:{}", T), step); // (T, 3, 1, hd)
        NDArray sin = own(rope.sin.get("0:{}", T), step); // (T, 3, 1, hd)
        NDArray mask = causalMask(step, T); // (T, T)

        NDArray x = drop(Embedding.embedding(ids, w.tokenEmbedding, SparseFormat.DENSE).singletonOrThrow(),
                dropout, step); // (B, T, D)
        for (int l = 0; l < c.layers(); l++) {
            // attention: x += Wo * softmax(q k^T / sqrt(hd) + mask) v
            NDArray h = rmsNorm(x, w.attnNorm[l]); // (B, T, D)
            NDArray qkv = h.matMul(w.wqkv[l]).reshape(B, T, 3, H, hd); // (B, T, 3, H, hd)
            qkv = rotate(qkv, cos, sin); // RoPE on q and k; v passes (cos 1, sin 0)
            qkv = qkv.transpose(2, 0, 3, 1, 4); // (3, B, H, T, hd)
            NDArray q = qkv.get(0); // (B, H, T, hd), already scaled by 1/sqrt(hd) through the RoPE tables
            NDArray k = qkv.get(1); // (B, H, T, hd)
            NDArray v = qkv.get(2); // (B, H, T, hd)
            if (cache != null) {
                cache.write(l, slots, T, k, v);
                if (l == c.layers() - 1) {
                    break; // prefill: the last block's output feeds only the logits, which prefill does not need
                }
            }
            NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).add(mask).softmax(-1); // (B, H, T, T)
            NDArray o = att.matMul(v).transpose(0, 2, 1, 3).reshape(B, T, D); // (B, T, D)
            x = x.add(drop(o.matMul(w.wo[l]), dropout, step));
            // MLP: x += W2 (silu(x W1) * x W3)
            x = x.add(drop(swiGlu(rmsNorm(x, w.ffnNorm[l]), w.w13[l], w.w2[l], c.ffnHidden()), dropout, step));
        }
        if (cache != null) {
            return null; // prefill only fills the cache; the caller decodes the next token
        }
        return rmsNorm(x, w.finalNorm).matMul(w.output); // (B, T, V)
    }

    /**
     * One decode step over cache slots {@code 0 .. n-1}: slot i reads {@code tokens[i]} at position
     * {@code positions[i]} (its cached length), writes its K, V there and attends over positions
     * {@code 0 .. positions[i]}.
     *
     * @return logits (n, vocabSize) on {@code step}
     */
    public static NDArray decode(Policy policy, KvCache cache, int[] tokens, int[] positions, NDManager step) {
        return decode(policy, cache, 0, tokens, positions, step);
    }

    /** As {@link #decode(Policy, KvCache, int[], int[], NDManager)} over slots {@code first .. first + n - 1}. */
    static NDArray decode(Policy policy, KvCache cache, int first, int[] tokens, int[] positions, NDManager step) {
        ModelConfig c = policy.config();
        Weights w = policy.weights();
        Rope rope = policy.rope();
        int n = tokens.length;
        int H = c.heads(), hd = c.headDim(), D = c.dim();
        int L = 0; // attention window: the longest valid prefix among the slots
        for (int p : positions) {
            if (p < 0 || p >= cache.maxLen()) {
                throw new IllegalArgumentException("position " + p + " outside the cache (0.." + (cache.maxLen() - 1) + ")");
            }
            L = Math.max(L, p + 1);
        }
        long[] pos = new long[n];
        long[] slotIds = new long[n];
        float[] maskData = new float[n * L];
        for (int i = 0; i < n; i++) {
            pos[i] = positions[i];
            slotIds[i] = first + i;
            for (int j = positions[i] + 1; j < L; j++) {
                maskData[i * L + j] = MASKED;
            }
        }
        NDArray posNd = step.create(pos); // (n)
        NDArray slotNd = step.create(slotIds); // (n)
        NDArray mask = step.create(maskData, new Shape(n, 1, 1, L)); // (n, 1, 1, L)
        NDArray cos = own(rope.cos.get(posNd), step).reshape(n, 1, 3, 1, hd); // (n, 1, 3, 1, hd)
        NDArray sin = own(rope.sin.get(posNd), step).reshape(n, 1, 3, 1, hd);

        NDArray ids = step.create(toLongs(tokens)).reshape(n, 1); // (n, 1)
        NDArray x = Embedding.embedding(ids, w.tokenEmbedding, SparseFormat.DENSE).singletonOrThrow(); // (n, 1, D)
        for (int l = 0; l < c.layers(); l++) {
            NDArray h = rmsNorm(x, w.attnNorm[l]); // (n, 1, D)
            NDArray qkv = h.matMul(w.wqkv[l]).reshape(n, 1, 3, H, hd);
            qkv = rotate(qkv, cos, sin).reshape(n, 3, H, hd); // (n, 3, H, hd)
            NDList parts = qkv.split(3, 1); // each (n, 1, H, hd)
            NDArray q = parts.get(0).reshape(n, H, 1, hd); // scaled by 1/sqrt(hd) through the RoPE tables
            NDArray k = parts.get(1).reshape(n, H, hd);
            NDArray v = parts.get(2).reshape(n, H, hd);
            cache.keys[l].set(new NDIndex("{}, :, {}", slotNd, posNd), k); // keys[slot_i, :, pos_i, :] = k_i
            cache.values[l].set(new NDIndex("{}, :, {}", slotNd, posNd), v);
            NDArray keys = own(cache.keys[l].get("{}:{}, :, 0:{}", first, first + n, L), step); // (n, H, L, hd), a view
            NDArray values = own(cache.values[l].get("{}:{}, :, 0:{}", first, first + n, L), step); // (n, H, L, hd)
            NDArray att = q.matMul(keys.transpose(0, 1, 3, 2)) // (n, H, 1, L)
                    .add(mask).softmax(-1);
            NDArray o = att.matMul(values).reshape(n, 1, D); // (n, H, 1, hd) -> (n, 1, D)
            x = x.add(o.matMul(w.wo[l]));
            x = x.add(swiGlu(rmsNorm(x, w.ffnNorm[l]), w.w13[l], w.w2[l], c.ffnHidden()));
        }
        return rmsNorm(x, w.finalNorm).matMul(w.output).reshape(n, c.vocabSize()); // (n, V)
    }

    /** Inverted dropout: each element zeroed with probability {@code p}, the others scaled by {@code 1 / (1 - p)}. */
    private static NDArray drop(NDArray x, float p, NDManager step) {
        if (p == 0f) {
            return x;
        }
        NDArray keep = step.randomUniform(0f, 1f, x.getShape()).gte(p).toType(x.getDataType(), false);
        return x.mul(keep).div(1f - p);
    }

    /** x * rsqrt(mean(x^2) + eps) * gain, over the last axis. */
    private static NDArray rmsNorm(NDArray x, NDArray gain) {
        NDArray ms = x.square().mean(new int[] {-1}, true);
        return x.mul(ms.add(NORM_EPS).pow(-0.5f)).mul(gain);
    }

    /** (.., D) -> (.., D): (silu(x W1) * x W3) W2 with W1 | W3 fused as w13 (D, 2F). */
    private static NDArray swiGlu(NDArray x, NDArray w13, NDArray w2, int hidden) {
        NDArray gu = x.matMul(w13); // (.., 2F)
        NDList parts = gu.split(2, gu.getShape().dimension() - 1);
        NDArray g = parts.get(0);
        NDArray silu = g.mul(ai.djl.nn.Activation.sigmoid(g)); // silu(g) = g * sigmoid(g)
        return silu.mul(parts.get(1)).matMul(w2);
    }

    /**
     * RoPE in rotate-half form: x * cos + rotateHalf(x) * sin with rotateHalf(x1, x2) = (-x2, x1) over the two halves
     * of each head. The halves swap as a flip of a (.., 2, hd/2) view; the minus sign lives in the sin table. (A
     * matmul with a fixed (hd, hd) matrix gave the same numbers but took 18 % of a prefill's matmul time.)
     */
    static NDArray rotate(NDArray qkv, NDArray cos, NDArray sin) {
        Shape shape = qkv.getShape(); // (.., hd)
        int last = shape.dimension() - 1;
        Shape halves = shape.slice(0, last).addAll(new Shape(2, shape.get(last) / 2)); // (.., 2, hd/2)
        NDArray swapped = qkv.reshape(halves).flip(last).reshape(shape); // (x2, x1)
        return qkv.mul(cos).add(swapped.mul(sin));
    }

    /** (T, T): 0 on and below the diagonal, {@link #MASKED} above. */
    private static NDArray causalMask(NDManager step, int T) {
        float[] m = new float[T * T];
        for (int i = 0; i < T; i++) {
            for (int j = i + 1; j < T; j++) {
                m[i * T + j] = MASKED;
            }
        }
        return step.create(m, new Shape(T, T));
    }

    static NDArray own(NDArray a, NDManager step) {
        a.attach(step);
        return a;
    }

    private static long[] toLongs(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }

    /**
     * RoPE tables for positions 0..maxSeqLen-1, laid out to broadcast over the fused (.., 3, H, hd)
     * q | k | v tensor: the v third has cos 1 and sin 0 so one multiply-add rotates q and k only, and
     * the q third carries the attention scale 1/sqrt(hd) (rotation and scaling commute), which saves
     * one op per layer. The sin table's first half is negated: {@link #rotate} multiplies it with the
     * swapped halves (x2, x1), which gives rotateHalf(x) * sin = (-x2, x1) * sin.
     */
    static final class Rope {
        final NDArray cos; // (maxSeqLen, 3, 1, hd)
        final NDArray sin; // (maxSeqLen, 3, 1, hd), first half of each head negated

        private Rope(NDArray cos, NDArray sin) {
            this.cos = cos;
            this.sin = sin;
        }

        static Rope create(ModelConfig c, NDManager manager) {
            int T = c.maxSeqLen(), hd = c.headDim(), half = hd / 2;
            float qScale = (float) (1.0 / Math.sqrt(hd));
            float[] cos = new float[T * 3 * hd];
            float[] sin = new float[T * 3 * hd];
            double[] freq = new double[half]; // theta^(-2j/hd), shared by dimensions j and j + half
            for (int j = 0; j < half; j++) {
                freq[j] = Math.pow(c.ropeTheta(), -2.0 * j / hd);
            }
            for (int t = 0; t < T; t++) {
                for (int j = 0; j < half; j++) {
                    double cosT = Math.cos(t * freq[j]);
                    double sinT = Math.sin(t * freq[j]);
                    for (int i = j; i < hd; i += half) { // dimensions j and j + half
                        double sign = i < half ? -1 : 1; // rotateHalf's minus on the first half
                        int q = (t * 3) * hd + i;     // part 0: q, scaled by 1/sqrt(hd)
                        int k = (t * 3 + 1) * hd + i; // part 1: k
                        cos[q] = (float) (cosT * qScale);
                        sin[q] = (float) (sign * sinT * qScale);
                        cos[k] = (float) cosT;
                        sin[k] = (float) (sign * sinT);
                        cos[(t * 3 + 2) * hd + i] = 1f; // part 2: v passes (sin stays 0)
                    }
                }
            }
            return new Rope(manager.create(cos, new Shape(T, 3, 1, hd)), manager.create(sin, new Shape(T, 3, 1, hd)));
        }
    }

    static NDArray concat(NDList list, int axis) {
        return NDArrays.concat(list, axis);
    }
}
