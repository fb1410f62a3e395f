package io.tessera.generator.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter): Adam moments with bias correction and decoupled weight decay,
 * applied in place with gradient tracking off. Decay applies to matrices only (rank >= 2), not to
 * norm gains. Moments live on the optimizer's own manager; every temporary goes on the step manager.
 * Public for the RL trainer ({@code io.tessera.generator.rl.RlTrainer}), which shares it.
 */
public final class AdamW implements AutoCloseable {
    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.95f;
    static final float EPS = 1e-8f;
    private static final int MAGIC = 0x54534f41; // "TSOA"

    private final NDManager manager;
    private final List<NDArray> m = new ArrayList<>(); // per parameter: same shape, first moment
    private final List<NDArray> v = new ArrayList<>(); // per parameter: same shape, second moment
    private long t; // updates applied

    public AdamW(List<NDArray> params, NDManager parent) {
        this.manager = parent.newSubManager();
        for (NDArray p : params) {
            m.add(manager.zeros(p.getShape(), DataType.FLOAT32));
            v.add(manager.zeros(p.getShape(), DataType.FLOAT32));
        }
    }

    public long updates() {
        return t;
    }

    /** p -= lr * (mhat / (sqrt(vhat) + eps) + wd * p), for each parameter with its gradient. */
    public void update(List<NDArray> params, List<NDArray> grads, float lr, float weightDecay, NDManager step) {
        t++;
        float c1 = (float) (1 - Math.pow(BETA1, t));
        float c2 = (float) (1 - Math.pow(BETA2, t));
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            NDArray g = grads.get(i); // on `step`
            m.get(i).muli(BETA1).addi(g.mul(1 - BETA1));
            v.get(i).muli(BETA2).addi(g.square().mul(1 - BETA2));
            NDArray mhat = own(m.get(i).div(c1), step);
            NDArray denom = own(v.get(i).div(c2), step).sqrt().add(EPS);
            if (weightDecay > 0 && p.getShape().dimension() >= 2) {
                p.muli(1 - lr * weightDecay);
            }
            p.subi(mhat.div(denom).mul(lr));
        }
    }

    private static NDArray own(NDArray a, NDManager step) {
        a.attach(step);
        return a;
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeLong(t);
        out.writeInt(m.size());
        for (int i = 0; i < m.size(); i++) {
            writeArray(out, m.get(i));
            writeArray(out, v.get(i));
        }
    }

    public void read(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not an AdamW state file");
        }
        long steps = in.readLong();
        int n = in.readInt();
        if (n != m.size()) {
            throw new IOException("optimizer state holds " + n + " parameters, the model has " + m.size());
        }
        for (int i = 0; i < n; i++) {
            readArray(in, m.get(i));
            readArray(in, v.get(i));
        }
        t = steps;
    }

    private static void writeArray(DataOutputStream out, NDArray a) throws IOException {
        float[] f = a.toFloatArray();
        out.writeInt(f.length);
        ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f);
        out.write(b.array());
    }

    private void readArray(DataInputStream in, NDArray into) throws IOException {
        int n = in.readInt();
        if (n != into.getShape().size()) {
            throw new IOException("optimizer tensor of " + n + " values, parameter has " + into.getShape());
        }
        byte[] raw = new byte[n * 4];
        in.readFully(raw);
        float[] f = new float[n];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        into.set(java.nio.FloatBuffer.wrap(f));
    }

    @Override
    public void close() {
        manager.close();
    }
}
