package io.tessera.generator.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.tessera.generator.model.AdditiveCodes;
import io.tessera.generator.model.ComputeDevice;
import io.tessera.generator.model.ModelFormatException;
import io.tessera.generator.model.Policy;
import io.tessera.generator.model.Transformer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Next-token pretraining of a {@link Policy} on any {@link SequenceSource}: AdamW, cross-entropy
 * weighted per target position ({@link TrainingBatch#lossWeight}), steps with a non-finite loss or
 * gradient skipped, a progress line (step, loss, tokens/s, time left), checkpoints every
 * {@code checkpointEvery} steps (policy + optimizer moments + step + data seed; the data stream is
 * counter-based, so the step is its whole random state), and resume from the latest checkpoint.
 *
 * <p>Checkpoint layout: {@code <checkpointDir>/step-<n>/} holds {@code policy/} ({@link Policy#save}),
 * {@value #OPTIMIZER_FILE} and {@value #STATE_FILE}; {@code <checkpointDir>/latest} names the newest
 * complete one (written last, so an interrupted save is never picked up). The two newest are kept.
 */
public final class Pretrainer {
    static final String OPTIMIZER_FILE = "optimizer.bin";
    static final String STATE_FILE = "trainer.properties";
    static final String LATEST = "latest";
    private static final int KEEP = 2;
    /**
     * A step whose loss or gradient is not finite is skipped (no update, gradients cleared), as loss
     * scalers do; the weights stay finite. This many non-finite steps in a row stop training.
     */
    static final int MAX_NON_FINITE_IN_A_ROW = 5;

    private final TrainOptions options;
    private final SequenceSource source;
    /** Kept additive after every update (and at the start), or null. */
    private final AdditiveCodes additive;
    /** Residual dropout rate while training ({@link Transformer#forward(Policy, NDArray, NDManager, float)}). */
    private float dropout;
    private float lastLoss = Float.NaN;
    private long skippedSteps;

    public Pretrainer(TrainOptions options, SequenceSource source) {
        this(options, source, null);
    }

    /**
     * @param additive a block of ids whose embedding rows and output columns stay additive
     *                 ({@link AdditiveCodes#project} at the start and after every optimizer step), or null
     */
    public Pretrainer(TrainOptions options, SequenceSource source, AdditiveCodes additive) {
        this.options = options;
        this.source = source;
        this.additive = additive;
    }

    /**
     * Trains with residual dropout at this rate (0, the default, is none). The masks of step n come from the engine's
     * generator seeded with (seed, n), so a resumed run draws the same masks as an uninterrupted one.
     */
    public Pretrainer withDropout(float rate) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("--dropout must be a rate in [0, 1), got " + rate);
        }
        this.dropout = rate;
        return this;
    }

    /** Mean loss of the last step run. */
    public float lastLoss() {
        return lastLoss;
    }

    /** Steps skipped because their loss or gradient was not finite, in this trainer's runs. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** The step the latest checkpoint in {@code dir} reached, or -1 if there is none. */
    public static long latestCheckpointStep(Path dir) {
        Path latest = dir.resolve(LATEST);
        if (!Files.exists(latest)) {
            return -1;
        }
        return Long.parseLong(readProps(dir.resolve(readLatest(dir)).resolve(STATE_FILE)).getProperty("step"));
    }

    /**
     * Trains up to {@link TrainOptions#steps()} steps. If the checkpoint directory holds a checkpoint,
     * its weights, optimizer state and step replace {@code initial}'s (which is then closed);
     * otherwise training starts from {@code initial}. Returns the trained policy (owned by the caller),
     * at version {@code initial.version() + steps run}.
     */
    public Policy train(Policy initial, PrintStream out) {
        return train(initial, out, options.steps());
    }

    /**
     * As {@link #train(Policy, PrintStream)} but stops (with a checkpoint) once {@code untilStep}
     * steps are done, as an interruption would; the learning-rate schedule still spans
     * {@link TrainOptions#steps()}. Training in chunks: call again with the same options.
     */
    public Policy train(Policy initial, PrintStream out, long untilStep) {
        Policy policy = initial;
        long startStep = 0;
        try (NDManager root = NDManager.newBaseManager(policy.device(), ComputeDevice.ENGINE)) {
            AdamW opt;
            if (Files.exists(options.checkpointDir().resolve(LATEST))) {
                Path ckpt = options.checkpointDir().resolve(readLatest(options.checkpointDir()));
                Properties st = readProps(ckpt.resolve(STATE_FILE));
                Policy loaded = Policy.load(ckpt.resolve("policy"), initial.config());
                initial.close();
                policy = loaded;
                startStep = Long.parseLong(st.getProperty("step"));
                long ckptSeed = Long.parseLong(st.getProperty("seed"));
                if (ckptSeed != options.seed()) {
                    throw new IllegalArgumentException("checkpoint " + ckpt + " was trained with --seed " + ckptSeed
                            + "; resume with the same seed or another --checkpoint-dir");
                }
                opt = new AdamW(policy.parameters(), root);
                try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                        Files.newInputStream(ckpt.resolve(OPTIMIZER_FILE))))) {
                    opt.read(in);
                } catch (IOException e) {
                    throw new ModelFormatException("cannot read optimizer state in " + ckpt + ": " + e.getMessage(), e);
                }
                out.printf("resuming from %s at step %d%n", ckpt, startStep);
            } else {
                opt = new AdamW(policy.parameters(), root);
            }
            return loop(policy, opt, root, startStep, Math.min(untilStep, options.steps()), out);
        }
    }

    private Policy loop(Policy policy, AdamW opt, NDManager root, long startStep, long endStep, PrintStream out) {
        if (additive != null) {
            additive.project(policy);
        }
        List<NDArray> params = policy.parameters();
        params.forEach(p -> p.setRequiresGradient(true));
        Engine engine = Engine.getEngine(ComputeDevice.ENGINE);
        long t0 = System.nanoTime();
        long tokensSeen = 0;
        long version = policy.version();
        int nonFiniteInARow = 0;
        try {
            for (long step = startStep; step < endStep; step++) {
                TrainingBatch batch = source.batch(options.seed(), step, options.batch(), options.seqLen() + 1);
                try (NDManager sm = root.newSubManager()) {
                    double[] weightSum = new double[1];
                    int[] realInputs = new int[1];
                    NDArray[] xyw = tensors(batch, sm, weightSum, realInputs);
                    NDArray loss;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        if (dropout > 0f) {
                            engine.setRandomSeed(Long.hashCode(options.seed() * 1_000_003L + step));
                        }
                        NDArray logits = Transformer.forward(policy, xyw[0], sm, dropout); // (B, T, V)
                        NDArray logp = logits.logSoftmax(2);
                        NDArray picked = logp.gather(xyw[1].expandDims(2), 2).squeeze(2); // (B, T)
                        // weighted mean of -log p(target); where() keeps a 0-weight -inf from becoming NaN
                        NDArray weighted = NDArrays.where(xyw[2].gt(0f), picked.mul(xyw[2]), sm.zeros(picked.getShape()));
                        loss = weighted.sum().neg().div((float) Math.max(1e-6, weightSum[0]));
                        gc.backward(loss);
                    }
                    lastLoss = loss.getFloat();
                    boolean grad = JniUtils.isGradMode();
                    JniUtils.setGradMode(false);
                    try {
                        List<NDArray> grads = new ArrayList<>(params.size());
                        double sq = 0;
                        for (NDArray p : params) {
                            NDArray g = p.getGradient(); // lives on the parameter's manager: move it to the step's
                            g.attach(sm);
                            grads.add(g);
                            sq += g.square().sum().getFloat();
                        }
                        double norm = Math.sqrt(sq);
                        if (Float.isFinite(lastLoss) && Double.isFinite(norm)) {
                            nonFiniteInARow = 0;
                            if (options.gradClip() > 0 && norm > options.gradClip()) {
                                float scale = (float) (options.gradClip() / norm);
                                grads.forEach(g -> g.muli(scale));
                            }
                            opt.update(params, grads, options.learningRate(step), options.weightDecay(), sm);
                            if (additive != null) {
                                additive.project(policy);
                            }
                        } else {
                            skippedSteps++;
                            out.printf("step %d skipped: loss %s, gradient norm %s (%d skipped so far)%n", step + 1,
                                    lastLoss, norm, skippedSteps);
                            if (++nonFiniteInARow >= MAX_NON_FINITE_IN_A_ROW) {
                                throw new IllegalStateException(nonFiniteInARow + " steps in a row up to step " + (step + 1)
                                        + " had a non-finite loss or gradient; lower --lr or check the data");
                            }
                        }
                        for (NDArray p : params) {
                            JniUtils.zeroGrad((PtNDArray) p);
                        }
                    } finally {
                        JniUtils.setGradMode(grad);
                    }
                    tokensSeen += realInputs[0];
                }
                long done = step + 1;
                if (done % options.logEvery() == 0 || done == endStep) {
                    double secs = (System.nanoTime() - t0) / 1e9;
                    double stepsPerSec = (done - startStep) / secs;
                    long etaSecs = (long) ((options.steps() - done) / Math.max(stepsPerSec, 1e-9));
                    out.printf("step %d/%d  loss %.4f  lr %.2e  %,.0f tokens/s  elapsed %s  eta %s%n", done,
                            options.steps(), lastLoss, options.learningRate(step), tokensSeen / secs,
                            hms((long) secs), hms(etaSecs));
                }
                if (done % options.checkpointEvery() == 0 || done == endStep) {
                    checkpoint(policy.withVersion(version + done - startStep), opt, done);
                }
            }
        } finally {
            params.forEach(p -> p.setRequiresGradient(false));
        }
        Policy result = policy.withVersion(version + Math.max(0, endStep - startStep));
        policy.close();
        return result;
    }

    /**
     * Inputs (B, T) int64 (the batch's inputs), targets (B, T) int64 (its clean tokens, shifted by one), loss weights
     * (B, T) float; fills the weight sum and real inputs.
     */
    private static NDArray[] tensors(TrainingBatch batch, NDManager sm, double[] weightSum, int[] realInputs) {
        int B = batch.tokens().length;
        int T = batch.maxLength() - 1;
        long[] x = new long[B * T];
        long[] y = new long[B * T];
        float[] w = new float[B * T];
        for (int b = 0; b < B; b++) {
            int[] row = batch.tokens()[b];
            int[] read = batch.inputs()[b];
            float[] weight = batch.lossWeight()[b];
            for (int t = 0; t + 1 < row.length && t < T; t++) {
                realInputs[0]++;
                x[b * T + t] = read[t];
                y[b * T + t] = row[t + 1];
                w[b * T + t] = weight[t + 1];
                weightSum[0] += weight[t + 1];
            }
        }
        Shape s = new Shape(B, T);
        return new NDArray[] {sm.create(x, s), sm.create(y, s), sm.create(w, s)};
    }

    private void checkpoint(Policy snapshot, AdamW opt, long step) {
        Path dir = options.checkpointDir();
        Path ckpt = dir.resolve("step-" + step);
        try (snapshot) {
            Files.createDirectories(ckpt);
            snapshot.save(ckpt.resolve("policy"));
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(ckpt.resolve(OPTIMIZER_FILE))))) {
                opt.write(out);
            }
            Properties st = new Properties();
            st.setProperty("step", Long.toString(step));
            st.setProperty("seed", Long.toString(options.seed()));
            st.setProperty("dataStream", "counter-based: batch(seed, step)");
            st.setProperty("optimizerUpdates", Long.toString(opt.updates()));
            st.setProperty("loss", Float.toString(lastLoss));
            st.setProperty("skippedNonFiniteSteps", Long.toString(skippedSteps));
            st.setProperty("options", options.toString());
            try (OutputStream out = Files.newOutputStream(ckpt.resolve(STATE_FILE))) {
                st.store(out, "Tessera pretraining state");
            }
            Path tmp = dir.resolve(LATEST + ".tmp");
            Files.writeString(tmp, ckpt.getFileName().toString());
            Files.move(tmp, dir.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            prune(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + ckpt, e);
        }
    }

    private static void prune(Path dir) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.filter(p -> p.getFileName().toString().matches("step-\\d+"))
                    .sorted(Comparator.comparingLong(p -> -Long.parseLong(p.getFileName().toString().substring(5))))
                    .toList();
        }
        for (Path old : all.subList(Math.min(KEEP, all.size()), all.size())) {
            try (Stream<Path> walk = Files.walk(old)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static String readLatest(Path dir) {
        try {
            return Files.readString(dir.resolve(LATEST)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(LATEST), e);
        }
    }

    private static Properties readProps(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return p;
    }

    private static String hms(long s) {
        return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
