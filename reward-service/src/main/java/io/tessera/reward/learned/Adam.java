package io.tessera.reward.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/** Adam with decoupled weight decay on matrices, for the scorer's few parameters; moments on their own manager. */
final class Adam implements AutoCloseable {
    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPS = 1e-8f;

    private final NDManager manager;
    private final List<NDArray> m = new ArrayList<>(); // per parameter, same shape: first moment
    private final List<NDArray> v = new ArrayList<>(); // per parameter, same shape: second moment
    private long t;

    Adam(List<NDArray> params, NDManager parent) {
        manager = parent.newSubManager();
        for (NDArray p : params) {
            m.add(manager.zeros(p.getShape(), DataType.FLOAT32));
            v.add(manager.zeros(p.getShape(), DataType.FLOAT32));
        }
    }

    /** p -= lr * (mhat / (sqrt(vhat) + eps) + wd * p); temporaries live on {@code step}. */
    void update(List<NDArray> params, List<NDArray> grads, float lr, float weightDecay, NDManager step) {
        t++;
        float c1 = (float) (1 - Math.pow(BETA1, t));
        float c2 = (float) (1 - Math.pow(BETA2, t));
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            NDArray g = grads.get(i);
            m.get(i).muli(BETA1).addi(g.mul(1 - BETA1));
            v.get(i).muli(BETA2).addi(g.square().mul(1 - BETA2));
            NDArray mhat = attach(m.get(i).div(c1), step);
            NDArray denom = attach(v.get(i).div(c2), step).sqrt().add(EPS);
            if (weightDecay > 0 && p.getShape().dimension() >= 2) {
                p.muli(1 - lr * weightDecay);
            }
            p.subi(mhat.div(denom).mul(lr));
        }
    }

    private static NDArray attach(NDArray a, NDManager step) {
        a.attach(step);
        return a;
    }

    @Override
    public void close() {
        manager.close();
    }
}
