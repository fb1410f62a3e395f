package io.tessera.generator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Preallocated keys and values for {@code slots} sequences of up to {@code maxLen} tokens. The
 * owner tracks each slot's length; {@link Transformer#decode} uses slots {@code 0 .. n-1}, so the
 * owner keeps active slots dense (see {@link #moveSlot}). A batched prefill or decode of enough rows runs as
 * up to {@code maxShards} contiguous row ranges side by side ({@link Shards}).
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final ModelConfig config;
    private final int slots;
    private final int maxLen;
    private final int maxShards;
    final NDArray[] keys;   // per layer: (slots, heads, maxLen, headDim), RoPE applied
    final NDArray[] values; // per layer: (slots, heads, maxLen, headDim)

    /** A cache whose steps run on the calling thread only. */
    public KvCache(Policy policy, int slots, int maxLen) {
        this(policy, slots, maxLen, 1);
    }

    /**
     * @param maxShards most row ranges a batched step runs as at once (1: the calling thread only); on a GPU always
     *                  1, since the device already runs the rows in parallel
     */
    public KvCache(Policy policy, int slots, int maxLen, int maxShards) {
        this.config = policy.config();
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1, got " + slots);
        }
        if (maxLen < 1 || maxLen > config.maxSeqLen()) {
            throw new IllegalArgumentException("maxLen must be in [1, " + config.maxSeqLen() + "], got " + maxLen);
        }
        if (maxShards < 1) {
            throw new IllegalArgumentException("maxShards must be >= 1, got " + maxShards);
        }
        this.slots = slots;
        this.maxLen = maxLen;
        this.maxShards = policy.device().isGpu() ? 1 : maxShards;
        this.manager = NDManager.newBaseManager(policy.device(), ComputeDevice.ENGINE);
        Shape shape = new Shape(slots, config.heads(), maxLen, config.headDim());
        keys = new NDArray[config.layers()];
        values = new NDArray[config.layers()];
        for (int l = 0; l < config.layers(); l++) {
            keys[l] = manager.zeros(shape, DataType.FLOAT32);
            values[l] = manager.zeros(shape, DataType.FLOAT32);
        }
    }

    public int slots() {
        return slots;
    }

    public int maxLen() {
        return maxLen;
    }

    public ModelConfig config() {
        return config;
    }

    /**
     * Runs the prefix through the model and stores its keys and values in {@code slot} at positions
     * {@code 0 .. tokens.length-1}. Returns nothing: the caller decodes the next token with
     * {@link Transformer#decode}.
     */
    public void prefill(Policy policy, int slot, int[] tokens) {
        checkSlot(slot);
        if (tokens.length == 0) {
            return;
        }
        if (tokens.length > maxLen) {
            throw new IllegalArgumentException("prefix of " + tokens.length + " tokens exceeds cache length " + maxLen);
        }
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager step = manager.newSubManager()) {
            long[] ids = new long[tokens.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = tokens[i];
            }
            Transformer.forward(policy, step.create(ids, new Shape(1, ids.length)), step, this,
                    step.create(new long[] {slot}));
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /**
     * Prefills several slots in one batched forward: row i (right-padded to the longest) goes to
     * {@code slots[i]}. Causal attention keeps padding from touching real positions; the padded
     * positions' keys and values land beyond each slot's length, where decode masks them and later
     * overwrites them.
     */
    public void prefill(Policy policy, int[] slots, int[][] tokens) {
        if (slots.length != tokens.length) {
            throw new IllegalArgumentException(slots.length + " slots for " + tokens.length + " sequences");
        }
        for (int i = 0; i < slots.length; i++) {
            checkSlot(slots[i]);
            if (tokens[i].length > maxLen) {
                throw new IllegalArgumentException("prefix of " + tokens[i].length + " tokens exceeds cache length " + maxLen);
            }
        }
        int shards = Shards.count(slots.length, maxShards);
        List<Callable<Void>> pieces = new ArrayList<>(shards);
        for (int i = 0; i < shards; i++) {
            int from = Shards.start(i, shards, slots.length), to = Shards.start(i + 1, shards, slots.length);
            pieces.add(() -> {
                prefillRows(policy, Arrays.copyOfRange(slots, from, to), Arrays.copyOfRange(tokens, from, to));
                return null;
            });
        }
        Shards.run(pieces);
    }

    /** The batched prefill of checked rows, on the calling thread (a {@link Shards#run} piece). */
    private void prefillRows(Policy policy, int[] slots, int[][] tokens) {
        int T = 0;
        for (int[] row : tokens) {
            T = Math.max(T, row.length);
        }
        if (T == 0) {
            return;
        }
        long[] ids = new long[slots.length * T];
        long[] slotIds = new long[slots.length];
        for (int i = 0; i < slots.length; i++) {
            slotIds[i] = slots[i];
            for (int t = 0; t < tokens[i].length; t++) {
                ids[i * T + t] = tokens[i][t];
            }
        }
        try (NDManager step = manager.newSubManager()) { // gradient tracking is off: see Shards.run
            Transformer.forward(policy, step.create(ids, new Shape(slots.length, T)), step, this,
                    step.create(slotIds));
        }
    }

    /** Takes rows {@code from .. to-1} of a decode step's logits once they are in, on the thread that computed them. */
    @FunctionalInterface
    public interface RowsReady {
        void accept(float[] logits, int from, int to);
    }

    /** One decode step, gradient tracking off: see {@link Transformer#decode}. Result (n, vocab) as floats, row-major. */
    public float[] decode(Policy policy, int[] tokens, int[] positions) {
        return decode(policy, tokens, positions, (logits, from, to) -> { });
    }

    /**
     * As {@link #decode(Policy, int[], int[])}; each row range, once its logits are in, goes to {@code ready} on the
     * thread that computed it, so a caller can start on those rows while other ranges still decode. Returns when
     * every range is in and every {@code ready} call has returned.
     */
    public float[] decode(Policy policy, int[] tokens, int[] positions, RowsReady ready) {
        if (tokens.length != positions.length || tokens.length == 0 || tokens.length > slots) {
            throw new IllegalArgumentException("decode needs 1.." + slots + " tokens with one position each, got "
                    + tokens.length + " tokens and " + positions.length + " positions");
        }
        int n = tokens.length;
        int vocab = config.vocabSize();
        float[] logits = new float[n * vocab];
        int shards = Shards.count(n, maxShards);
        List<Callable<Void>> pieces = new ArrayList<>(shards);
        for (int i = 0; i < shards; i++) {
            int from = Shards.start(i, shards, n), to = Shards.start(i + 1, shards, n);
            pieces.add(() -> {
                float[] part = decodeRows(policy, from, Arrays.copyOfRange(tokens, from, to),
                        Arrays.copyOfRange(positions, from, to));
                System.arraycopy(part, 0, logits, from * vocab, part.length);
                ready.accept(logits, from, to);
                return null;
            });
        }
        Shards.run(pieces);
        return logits;
    }

    /** Slots {@code first ..} read {@code tokens} at {@code positions}, on this thread (a {@link Shards#run} piece). */
    private float[] decodeRows(Policy policy, int first, int[] tokens, int[] positions) {
        try (NDManager step = manager.newSubManager()) {
            return Transformer.decode(policy, this, first, tokens, positions, step).toFloatArray();
        }
    }

    /** Copies the first {@code length} positions of slot {@code from} into slot {@code to}. */
    public void moveSlot(int from, int to, int length) {
        checkSlot(from);
        checkSlot(to);
        if (from == to || length <= 0) {
            return;
        }
        try (NDManager step = manager.newSubManager()) {
            for (int l = 0; l < keys.length; l++) {
                // the views live on the cache's manager until attached; the copies then land on `step`
                NDArray k = Transformer.own(keys[l].get("{}, :, 0:{}", from, length), step).duplicate();
                NDArray v = Transformer.own(values[l].get("{}, :, 0:{}", from, length), step).duplicate();
                keys[l].set(new NDIndex("{}, :, 0:{}", to, length), k);
                values[l].set(new NDIndex("{}, :, 0:{}", to, length), v);
            }
        }
    }

    /** Called by the full forward during prefill: k, v (B, heads, T, headDim) for positions 0..T-1 of slots (B). */
    void write(int layer, NDArray slots, int T, NDArray k, NDArray v) {
        keys[layer].set(new NDIndex("{}, :, 0:{}", slots, T), k);
        values[layer].set(new NDIndex("{}, :, 0:{}", slots, T), v);
    }

    /** Arrays attached to the cache's own manager: constant across steps unless something leaks (for tests). */
    int managedArrays() {
        return manager.getManagedArrays().size();
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= slots) {
            throw new IllegalArgumentException("slot " + slot + " outside 0.." + (slots - 1));
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
