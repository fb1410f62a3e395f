package io.tessera.generator.rl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.tessera.generator.model.ComputeDevice;
import io.tessera.generator.model.ModelConfig;
import io.tessera.generator.model.ModelFormatException;
import io.tessera.generator.model.Policy;
import io.tessera.generator.train.AdamW;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Online RL on a trainable {@link Policy} against a frozen reference: GRPO on groups of scored samples
 * ({@link #update}) and DPO on preference pairs ({@link #updatePreferences}), both with AdamW. Each update
 * bumps {@link #version()}. {@link #snapshot()} / {@link #restore(byte[])} carry weights, optimizer moments
 * and version (the reference is the shipped model and is not part of the snapshot); {@link #publish()}
 * hands out an independent copy of the weights at the current version.
 *
 * <p>GRPO's theta_old is the policy at the start of the update: the first inner step's own log-probabilities
 * (the same {@link SequenceLogProbs} function as theta), detached, so no separate forward pass is spent on
 * them (see the package documentation for why the engine's sampling-time log-probabilities are not used in
 * the ratio). Not thread-safe: one trainer, one thread.
 */
public final class RlTrainer implements AutoCloseable {
    private static final int MAGIC = 0x5453524c; // "TSRL"
    private static final int FORMAT = 1;

    private final RlConfig cfg;
    private final Policy reference;
    private final NDManager root;
    private Policy policy;
    private AdamW optimizer;
    private long version;

    /**
     * @param initial   the weights to train; the trainer takes it over (trains it in place, closes it)
     * @param reference the frozen reference policy; the trainer takes it over and closes it
     */
    public RlTrainer(Policy initial, Policy reference, RlConfig cfg) {
        if (!initial.config().equals(reference.config())) {
            throw new IllegalArgumentException("policy config " + initial.config().id() + " differs from the reference's "
                    + reference.config().id());
        }
        this.cfg = cfg;
        this.reference = reference;
        this.root = NDManager.newBaseManager(initial.device(), ComputeDevice.ENGINE);
        this.version = initial.version();
        adopt(initial);
        this.optimizer = new AdamW(policy.parameters(), root);
    }

    private void adopt(Policy next) {
        if (policy != null) {
            policy.parameters().forEach(p -> p.setRequiresGradient(false));
            policy.close();
        }
        policy = next;
        policy.parameters().forEach(p -> p.setRequiresGradient(true));
    }

    public long version() {
        return version;
    }

    public ModelConfig config() {
        return policy.config();
    }

    public RlConfig rlConfig() {
        return cfg;
    }

    /** Whether a sample of this shape can be trained on (non-empty prefix, fits the model's context). */
    public boolean fits(int prefixLength, int tokensLength) {
        return TokenBatch.fits(prefixLength, tokensLength, policy.config().maxSeqLen());
    }

    /**
     * One GRPO update on {@code groups} (each the scored samples of one prompt): advantages per group,
     * {@link RlConfig#innerSteps()} clipped-surrogate steps on all samples together, version + 1.
     */
    public UpdateMetrics update(List<List<Rollout>> groups) {
        long t0 = System.nanoTime();
        List<int[]> prefixes = new ArrayList<>();
        List<int[]> tokens = new ArrayList<>();
        List<Float> advantages = new ArrayList<>();
        double rewardSum = 0;
        for (List<Rollout> group : groups) {
            double[] r = new double[group.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = group.get(i).reward();
                rewardSum += r[i];
            }
            double[] a = GroupAdvantages.of(r, cfg.advantageEpsilon());
            for (int i = 0; i < r.length; i++) {
                prefixes.add(group.get(i).prefix());
                tokens.add(group.get(i).tokens());
                advantages.add((float) a[i]);
            }
        }
        if (prefixes.isEmpty()) {
            throw new IllegalArgumentException("an update needs at least one sample");
        }
        float[] adv = new float[advantages.size()];
        for (int i = 0; i < adv.length; i++) {
            adv[i] = advantages.get(i);
        }
        try (NDManager sm = root.newSubManager()) {
            TokenBatch batch = TokenBatch.pack(prefixes, tokens, policy.config().maxSeqLen(), sm);
            NDArray advNd = sm.create(adv); // (B)
            NDArray logpRef = SequenceLogProbs.perTokenNoGrad(reference, batch, sm); // (B, T)
            NDArray logpOld = null; // (B, T) theta_old: the first step's own log-probs, before it moves theta
            double loss = Double.NaN, kl = Double.NaN, clip = Double.NaN, norm = Double.NaN;
            boolean skipped = false;
            for (int k = 0; k < cfg.innerSteps(); k++) {
                try (NDManager step = sm.newSubManager()) {
                    GrpoLoss.Result res;
                    try (GradientCollector gc = Engine.getEngine(ComputeDevice.ENGINE).newGradientCollector()) {
                        NDArray logpNew = SequenceLogProbs.perToken(policy, batch, step); // (B, T)
                        if (logpOld == null) {
                            logpOld = logpNew.stopGradient(); // same values as a no-grad pass, one forward less
                            logpOld.attach(sm);
                        }
                        res = GrpoLoss.compute(logpNew, logpOld, logpRef, advNd, batch.mask, batch.counts,
                                cfg.clipEpsilon(), cfg.klBeta());
                        gc.backward(res.loss());
                    }
                    loss = res.loss().getFloat();
                    kl = res.kl().getFloat();
                    clip = res.clipFraction().getFloat();
                    norm = applyGradients(step, loss);
                    skipped = !Double.isFinite(norm) || !Double.isFinite(loss);
                }
            }
            version++;
            return new UpdateMetrics(UpdateMetrics.Kind.GRPO, version, loss, rewardSum / adv.length, kl, clip,
                    Double.NaN, norm, batch.rows, batch.generatedTokens, (System.nanoTime() - t0) / 1e9, skipped);
        }
    }

    /** One DPO step on {@code pairs}, version + 1. */
    public UpdateMetrics updatePreferences(List<PreferencePair> pairs) {
        long t0 = System.nanoTime();
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("a preference update needs at least one pair");
        }
        int P = pairs.size();
        List<int[]> prefixes = new ArrayList<>();
        List<int[]> tokens = new ArrayList<>();
        for (PreferencePair p : pairs) { // rows 0..P-1: chosen
            prefixes.add(p.prefix());
            tokens.add(p.chosen());
        }
        for (PreferencePair p : pairs) { // rows P..2P-1: rejected
            prefixes.add(p.prefix());
            tokens.add(p.rejected());
        }
        try (NDManager sm = root.newSubManager()) {
            TokenBatch batch = TokenBatch.pack(prefixes, tokens, policy.config().maxSeqLen(), sm);
            NDArray refSeq = SequenceLogProbs.perTokenNoGrad(reference, batch, sm).mul(batch.mask)
                    .sum(new int[] {1}); // (2P) log pi_ref(y)
            DpoLoss.Result res;
            try (GradientCollector gc = Engine.getEngine(ComputeDevice.ENGINE).newGradientCollector()) {
                NDArray seq = SequenceLogProbs.perToken(policy, batch, sm).mul(batch.mask).sum(new int[] {1}); // (2P)
                res = DpoLoss.compute(seq.get("0:{}", P), refSeq.get("0:{}", P), seq.get("{}:", P),
                        refSeq.get("{}:", P), cfg.dpoBeta());
                gc.backward(res.loss());
            }
            double loss = res.loss().getFloat();
            double norm = applyGradients(sm, loss);
            version++;
            return new UpdateMetrics(UpdateMetrics.Kind.DPO, version, loss, Double.NaN, Double.NaN, Double.NaN,
                    res.accuracy().getFloat(), norm, batch.rows, batch.generatedTokens,
                    (System.nanoTime() - t0) / 1e9, !Double.isFinite(norm) || !Double.isFinite(loss));
        }
    }

    /** Clips and applies the collected gradients (skipped when not finite), zeroes them; the norm before clipping. */
    private double applyGradients(NDManager step, double loss) {
        List<NDArray> params = policy.parameters();
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            List<NDArray> grads = new ArrayList<>(params.size());
            double sq = 0;
            for (NDArray p : params) {
                NDArray g = p.getGradient(); // on the parameter's manager: move it to the step's
                g.attach(step);
                grads.add(g);
                sq += g.square().sum().getFloat();
            }
            double norm = Math.sqrt(sq);
            if (Double.isFinite(norm) && Double.isFinite(loss)) {
                if (norm > cfg.gradClip()) {
                    float scale = (float) (cfg.gradClip() / norm);
                    grads.forEach(g -> g.muli(scale));
                }
                optimizer.update(params, grads, cfg.learningRate(), cfg.weightDecay(), step);
            }
            for (NDArray p : params) {
                JniUtils.zeroGrad((PtNDArray) p);
            }
            return norm;
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** An independent copy of the current weights, stamped with {@link #version()}; the caller closes it. */
    public Policy publish() {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (Policy copy = policy.copy()) {
            return copy.withVersion(version);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** Weights, optimizer moments and version, for a checkpoint. */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(policy.config().id());
            out.writeLong(version);
            byte[] weights = policy.toBytes();
            out.writeInt(weights.length);
            out.write(weights);
            optimizer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Replaces weights, optimizer and version with a {@link #snapshot()} of a trainer of the same config. */
    public void restore(byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            if (in.readInt() != MAGIC) {
                throw new ModelFormatException("not an RL trainer snapshot (bad magic)");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new ModelFormatException("RL trainer snapshot format " + format + ", this build reads " + FORMAT);
            }
            String id = in.readUTF();
            if (!id.equals(policy.config().id())) {
                throw new ModelFormatException("RL trainer snapshot is for model config " + id + ", this trainer has "
                        + policy.config().id());
            }
            long v = in.readLong();
            byte[] weights = new byte[in.readInt()];
            in.readFully(weights);
            Policy restored = Policy.fromBytes(weights, policy.config());
            AdamW opt = new AdamW(restored.parameters(), root);
            try {
                opt.read(in);
            } catch (IOException | RuntimeException e) {
                opt.close();
                restored.close();
                throw e;
            }
            adopt(restored);
            optimizer.close();
            optimizer = opt;
            version = v;
        } catch (IOException e) {
            throw new ModelFormatException("RL trainer snapshot is truncated or corrupt: " + e, e);
        }
    }

    @Override
    public void close() {
        policy.parameters().forEach(p -> p.setRequiresGradient(false));
        optimizer.close();
        policy.close();
        reference.close();
        root.close();
    }
}
