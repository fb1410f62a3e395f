package io.tessera.generator.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The shape of one decoder-only transformer. Validated on construction; {@link #id()} is a stable
 * hash of every field, stamped on weights so a policy never loads into the wrong architecture.
 *
 * @param vocabSize       ids in the shared text / video / audio vocabulary
 * @param dim             model width (residual stream)
 * @param layers          transformer blocks
 * @param heads           attention heads; {@code dim % heads == 0} and the head size is even (RoPE)
 * @param ffnHidden       SwiGLU hidden width (three matrices: gate, up, down)
 * @param maxSeqLen       longest sequence (prefix plus generated) the model reads
 * @param ropeTheta       RoPE base frequency
 * @param endOfSequence   the id that ends a sample when sampled, or -1 when the vocabulary has none
 */
public record ModelConfig(
        int vocabSize, int dim, int layers, int heads, int ffnHidden, int maxSeqLen, float ropeTheta,
        int endOfSequence) {

    /**
     * d=256, 4 layers, 4 heads: on two CPU cores this trains at ~4,600 tokens/s at 256 x 8 and
     * decodes at ~2 ms per step (STACK.md), which is what a few hours of CPU training can afford.
     */
    public static final int DEFAULT_DIM = 256;
    public static final int DEFAULT_LAYERS = 4;
    public static final int DEFAULT_HEADS = 4;
    /** ~8/3 * dim rounded to a multiple of 64: the usual SwiGLU width for the same parameter count as a 4x GELU MLP. */
    public static final int DEFAULT_FFN_HIDDEN = 704;
    /** Room for a prompt, conditioning media and a generated clip of a few hundred tokens. */
    public static final int DEFAULT_MAX_SEQ_LEN = 1024;
    public static final float DEFAULT_ROPE_THETA = 10_000f;

    public ModelConfig {
        require(vocabSize >= 2, "vocabSize", vocabSize, ">= 2");
        require(dim >= 2, "dim", dim, ">= 2");
        require(layers >= 1, "layers", layers, ">= 1");
        require(heads >= 1 && dim % heads == 0, "heads", heads, ">= 1 and dividing dim=" + dim);
        require((dim / Math.max(heads, 1)) % 2 == 0, "heads", heads, "such that dim/heads is even (RoPE)");
        require(ffnHidden >= 1, "ffnHidden", ffnHidden, ">= 1");
        require(maxSeqLen >= 2, "maxSeqLen", maxSeqLen, ">= 2");
        if (!(ropeTheta > 1f) || !Float.isFinite(ropeTheta)) {
            throw new IllegalArgumentException("ModelConfig.ropeTheta must be > 1, got " + ropeTheta);
        }
        require(endOfSequence >= -1 && endOfSequence < vocabSize, "endOfSequence", endOfSequence,
                "-1 (none) or in [0, vocabSize)");
    }

    /** The default architecture for a vocabulary. */
    public static ModelConfig defaults(int vocabSize, int endOfSequence) {
        return new ModelConfig(vocabSize, DEFAULT_DIM, DEFAULT_LAYERS, DEFAULT_HEADS, DEFAULT_FFN_HIDDEN,
                DEFAULT_MAX_SEQ_LEN, DEFAULT_ROPE_THETA, endOfSequence);
    }

    public int headDim() {
        return dim / heads;
    }

    /** Number of trainable parameters. */
    public long parameterCount() {
        long perLayer = 2L * dim + (long) dim * 3 * dim + (long) dim * dim + (long) dim * 2 * ffnHidden
                + (long) ffnHidden * dim;
        return 2L * vocabSize * dim + layers * perLayer + dim;
    }

    /** Stable identity: first 16 hex digits of SHA-256 over the canonical field list. */
    public String id() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String canonical() {
        return "tessera-transformer-v1;vocab=" + vocabSize + ";dim=" + dim + ";layers=" + layers + ";heads=" + heads
                + ";ffn=" + ffnHidden + ";maxSeq=" + maxSeqLen + ";rope=" + Float.floatToIntBits(ropeTheta)
                + ";eos=" + endOfSequence;
    }

    Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("vocabSize", Integer.toString(vocabSize));
        p.setProperty("dim", Integer.toString(dim));
        p.setProperty("layers", Integer.toString(layers));
        p.setProperty("heads", Integer.toString(heads));
        p.setProperty("ffnHidden", Integer.toString(ffnHidden));
        p.setProperty("maxSeqLen", Integer.toString(maxSeqLen));
        p.setProperty("ropeTheta", Float.toString(ropeTheta));
        p.setProperty("endOfSequence", Integer.toString(endOfSequence));
        p.setProperty("id", id());
        return p;
    }

    static ModelConfig fromProperties(Properties p, String where) {
        try {
            return new ModelConfig(
                    Integer.parseInt(need(p, "vocabSize", where)), Integer.parseInt(need(p, "dim", where)),
                    Integer.parseInt(need(p, "layers", where)), Integer.parseInt(need(p, "heads", where)),
                    Integer.parseInt(need(p, "ffnHidden", where)), Integer.parseInt(need(p, "maxSeqLen", where)),
                    Float.parseFloat(need(p, "ropeTheta", where)),
                    Integer.parseInt(p.getProperty("endOfSequence", "-1")));
        } catch (NumberFormatException e) {
            throw new ModelFormatException("malformed model config in " + where + ": " + e.getMessage(), e);
        }
    }

    private static String need(Properties p, String key, String where) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new ModelFormatException("model config in " + where + " lacks key '" + key + "'");
        }
        return v.trim();
    }

    private static void require(boolean ok, String key, int value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException("ModelConfig." + key + " must be " + allowed + ", got " + value);
        }
    }
}
