package io.tessera.reward.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.tessera.generator.world.Colour;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small convolutional network that reads two consecutive frames and says, for each palette colour,
 * whether an object of that colour is there, its shape and which way it moved. It sees pixels only: no
 * palette rule, blob, fill or centroid of the detector's.
 *
 * <pre>
 * x (B, 6, 32, 32)      frames t and t+1, RGB in [0, 1], each 64x64 frame 2x2-average-pooled
 * conv 3x3 -> relu -> maxpool 2   (B, C1, 16, 16)
 * conv 3x3 -> relu -> maxpool 2   (B, C2, 8, 8)
 * conv 3x3 -> relu -> maxpool 2   (B, C3, 4, 4)
 * flatten -> linear -> relu       (B, HIDDEN)
 * linear                          (B, COLOURS * HEADS) = per colour [presence, 3 shape, 4 direction] logits
 * </pre>
 */
final class AttributeNet implements AutoCloseable {
    static final int SIDE = 32;
    static final int CHANNELS = 6;
    static final int C1 = 16;
    static final int C2 = 32;
    static final int C3 = 32;
    static final int HIDDEN = 128;
    static final int COLOURS = Colour.values().length;
    /** Logits per colour: presence, shape (circle, square, triangle), direction (left, right, up, down). */
    static final int HEADS = 8;
    static final int SHAPE_FROM = 1;
    static final int DIRECTION_FROM = 4;
    private static final int MAGIC = 0x544c4153; // "TLAS"
    private static final int FORMAT = 1;

    final NDManager manager;
    final NDArray conv1W; // (C1, CHANNELS, 3, 3)
    final NDArray conv1B; // (C1)
    final NDArray conv2W; // (C2, C1, 3, 3)
    final NDArray conv2B; // (C2)
    final NDArray conv3W; // (C3, C2, 3, 3)
    final NDArray conv3B; // (C3)
    final NDArray fc1W; // (HIDDEN, C3 * 4 * 4)
    final NDArray fc1B; // (HIDDEN)
    final NDArray fc2W; // (COLOURS * HEADS, HIDDEN)
    final NDArray fc2B; // (COLOURS * HEADS)

    private AttributeNet(NDManager manager, List<NDArray> p) {
        this.manager = manager;
        conv1W = p.get(0);
        conv1B = p.get(1);
        conv2W = p.get(2);
        conv2B = p.get(3);
        conv3W = p.get(4);
        conv3B = p.get(5);
        fc1W = p.get(6);
        fc1B = p.get(7);
        fc2W = p.get(8);
        fc2B = p.get(9);
    }

    static Shape[] shapes() {
        return new Shape[] {
            new Shape(C1, CHANNELS, 3, 3), new Shape(C1),
            new Shape(C2, C1, 3, 3), new Shape(C2),
            new Shape(C3, C2, 3, 3), new Shape(C3),
            new Shape(HIDDEN, C3 * 4 * 4), new Shape(HIDDEN),
            new Shape(COLOURS * HEADS, HIDDEN), new Shape(COLOURS * HEADS)};
    }

    /** He-normal weights, zero biases, from a seeded Java stream (the same on any machine). */
    static AttributeNet init(NDManager parent, long seed) {
        NDManager m = parent.newSubManager();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<NDArray> p = new ArrayList<>();
        for (Shape s : shapes()) {
            float[] v = new float[(int) s.size()];
            if (s.dimension() > 1) {
                double std = Math.sqrt(2.0 / (s.size() / s.get(0)));
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (gaussian(rnd) * std);
                }
            }
            p.add(m.create(v, s));
        }
        return new AttributeNet(m, p);
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    List<NDArray> parameters() {
        return List.of(conv1W, conv1B, conv2W, conv2B, conv3W, conv3B, fc1W, fc1B, fc2W, fc2B);
    }

    /** x (B, 6, 32, 32) -> logits (B, COLOURS * HEADS); results live on x's manager. */
    NDArray forward(NDArray x) {
        Shape two = new Shape(2, 2);
        Shape one = new Shape(1, 1);
        Shape none = new Shape(0, 0);
        NDArray h = Activation.relu(Conv2d.conv2d(x, conv1W, conv1B, one, one).head());
        h = Pool.maxPool2d(h, two, two, none, false); // (B, C1, 16, 16)
        h = Activation.relu(Conv2d.conv2d(h, conv2W, conv2B, one, one).head());
        h = Pool.maxPool2d(h, two, two, none, false); // (B, C2, 8, 8)
        h = Activation.relu(Conv2d.conv2d(h, conv3W, conv3B, one, one).head());
        h = Pool.maxPool2d(h, two, two, none, false); // (B, C3, 4, 4)
        h = h.reshape(h.getShape().get(0), C3 * 4 * 4);
        h = Activation.relu(Linear.linear(h, fc1W, fc1B).head()); // (B, HIDDEN)
        return Linear.linear(h, fc2W, fc2B).head(); // (B, COLOURS * HEADS)
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        List<NDArray> p = parameters();
        out.writeInt(p.size());
        for (NDArray a : p) {
            long[] dims = a.getShape().getShape();
            out.writeInt(dims.length);
            for (long d : dims) {
                out.writeInt((int) d);
            }
            for (float f : a.toFloatArray()) {
                out.writeFloat(f);
            }
        }
    }

    static AttributeNet read(NDManager parent, DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
            throw new IOException("not a learned-scorer weights file (format " + FORMAT + ")");
        }
        Shape[] expected = shapes();
        int n = in.readInt();
        if (n != expected.length) {
            throw new IOException("weights hold " + n + " tensors, the network has " + expected.length);
        }
        NDManager m = parent.newSubManager();
        List<NDArray> p = new ArrayList<>();
        for (Shape s : expected) {
            long[] dims = new long[in.readInt()];
            for (int d = 0; d < dims.length; d++) {
                dims[d] = in.readInt();
            }
            if (!new Shape(dims).equals(s)) {
                m.close();
                throw new IOException("tensor of shape " + new Shape(dims) + " where the network has " + s);
            }
            float[] v = new float[(int) s.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = in.readFloat();
            }
            p.add(m.create(v, s));
        }
        return new AttributeNet(m, p);
    }

    /** A new float32 input on {@code m}: pairs.length x 6 x 32 x 32. */
    static NDArray input(NDManager m, float[][] pairs) {
        int per = CHANNELS * SIDE * SIDE;
        float[] flat = new float[pairs.length * per];
        for (int i = 0; i < pairs.length; i++) {
            System.arraycopy(pairs[i], 0, flat, i * per, per);
        }
        return m.create(flat, new Shape(pairs.length, CHANNELS, SIDE, SIDE)).toType(DataType.FLOAT32, false);
    }

    @Override
    public void close() {
        manager.close();
    }
}
