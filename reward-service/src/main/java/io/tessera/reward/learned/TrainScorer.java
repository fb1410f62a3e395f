package io.tessera.reward.learned;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.tessera.generator.model.ComputeDevice;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.generator.world.World;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Trains the learned adherence scorer ({@link AttributeNet}) on the world's training-split clips and
 * writes its weights, then measures its agreement with the detector on held-out clips ({@link Agreement}).
 *
 * <pre>
 * java -cp ... io.tessera.reward.learned.TrainScorer [--clips 1200] [--steps 1500] [--batch 64] [--lr 2e-3]
 *     [--seed 7] [--eval-clips 40] [--out reward-service/src/main/resources/io/tessera/reward/learned]
 * </pre>
 *
 * Deterministic for a seed: clip i is training-split seed i, batches are a pure function of (seed, step),
 * weights start from a seeded Java stream. Loss: binary cross-entropy of presence per colour plus
 * cross-entropy of shape and of direction on the colours present.
 */
public final class TrainScorer {

    /** The command's options, validated. */
    record Options(int clips, int steps, int batch, float lr, long seed, int evalClips, Path out) {
        Options {
            if (clips < 2 || steps < 1 || batch < 1 || !(lr > 0) || evalClips < 0) {
                throw new IllegalArgumentException("need --clips >= 2, --steps >= 1, --batch >= 1, --lr > 0,"
                        + " --eval-clips >= 0");
            }
        }

        static Options parse(String[] args) {
            int clips = 1200;
            int steps = 1500;
            int batch = 64;
            float lr = 2e-3f;
            long seed = 7;
            int eval = 40;
            Path out = Path.of("reward-service/src/main/resources/io/tessera/reward/learned");
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value");
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--clips" -> clips = Integer.parseInt(v);
                    case "--steps" -> steps = Integer.parseInt(v);
                    case "--batch" -> batch = Integer.parseInt(v);
                    case "--lr" -> lr = Float.parseFloat(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--eval-clips" -> eval = Integer.parseInt(v);
                    case "--out" -> out = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "; known: --clips"
                            + " --steps --batch --lr --seed --eval-clips --out");
                }
            }
            return new Options(clips, steps, batch, lr, seed, eval, out);
        }
    }

    private TrainScorer() {}

    public static void main(String[] args) throws IOException {
        Options o = Options.parse(args);
        train(o, System.out);
    }

    static Path train(Options o, PrintStream out) throws IOException {
        long t0 = System.nanoTime();
        Tokenizers tokenizers = Tokenizers.loadDefault();
        ClipSet data = ClipSet.build(o.clips(), World.DEFAULT_FRAMES, tokenizers);
        out.printf(Locale.ROOT, "%d training clips rendered (%.1f s)%n", o.clips(), (System.nanoTime() - t0) / 1e9);
        Files.createDirectories(o.out());
        Path file = o.out().resolve(Path.of(LearnedAdherenceScorer.RESOURCE).getFileName());
        float lastLoss;
        try (NDManager root = NDManager.newBaseManager(ai.djl.Device.cpu(), ComputeDevice.ENGINE);
                AttributeNet net = AttributeNet.init(root, o.seed())) {
            lastLoss = loop(net, data, o, root, out);
            try (OutputStream raw = Files.newOutputStream(file);
                    DataOutputStream w = new DataOutputStream(new BufferedOutputStream(raw))) {
                net.write(w);
            }
        }
        double trainSecs = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "wrote %s (%d bytes) after %.1f s%n", file, Files.size(file), trainSecs);
        Properties p = new Properties();
        p.setProperty("seed", Long.toString(o.seed()));
        p.setProperty("clips", Integer.toString(o.clips()));
        p.setProperty("steps", Integer.toString(o.steps()));
        p.setProperty("batch", Integer.toString(o.batch()));
        p.setProperty("lr", Float.toString(o.lr()));
        p.setProperty("finalLoss", String.format(Locale.ROOT, "%.4f", lastLoss));
        p.setProperty("trainSeconds", String.format(Locale.ROOT, "%.0f", trainSecs));
        if (o.evalClips() > 0) {
            try (LearnedAdherenceScorer scorer = LearnedAdherenceScorer.load(file)) {
                Map<Agreement.Variant, Agreement.Tally> a = Agreement.measure(scorer, tokenizers, o.evalClips());
                Agreement.print(a, o.evalClips(), out);
                Agreement.Tally all = Agreement.overall(a);
                p.setProperty("evalClips", Integer.toString(o.evalClips()));
                p.setProperty("agreement", String.format(Locale.ROOT, "%.3f", all.agreement()));
                p.setProperty("learnedAccuracy", String.format(Locale.ROOT, "%.3f", all.learnedAccuracy()));
                p.setProperty("detectorAccuracy", String.format(Locale.ROOT, "%.3f", all.detectorAccuracy()));
            }
        }
        try (OutputStream w = Files.newOutputStream(o.out().resolve("attribute-net.properties"))) {
            p.store(w, "made by io.tessera.reward.learned.TrainScorer");
        }
        return file;
    }

    private static float loop(AttributeNet net, ClipSet data, Options o, NDManager root, PrintStream out) {
        List<NDArray> params = net.parameters();
        params.forEach(p -> p.setRequiresGradient(true));
        Engine engine = Engine.getEngine(ComputeDevice.ENGINE);
        int k = AttributeNet.COLOURS;
        float lastLoss = Float.NaN;
        long t0 = System.nanoTime();
        try (Adam opt = new Adam(params, root)) {
            for (int step = 0; step < o.steps(); step++) {
                ClipSet.Batch b = data.batch(o.seed(), step, o.batch());
                try (NDManager sm = root.newSubManager()) {
                    NDArray x = AttributeNet.input(sm, b.x()); // (B, 6, 32, 32)
                    NDArray present = sm.create(b.present(), new Shape(o.batch(), k)); // (B, K)
                    NDArray shape = sm.create(b.shape(), new Shape(o.batch(), k, 1)); // (B, K, 1)
                    NDArray dir = sm.create(b.direction(), new Shape(o.batch(), k, 1)); // (B, K, 1)
                    NDArray loss;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        NDArray logits = net.forward(x).reshape(o.batch(), k, AttributeNet.HEADS); // (B, K, 8)
                        NDArray p = logits.get(":, :, 0"); // (B, K) presence logits
                        // binary cross-entropy with logits: max(p, 0) - p * y + log(1 + exp(-|p|))
                        NDArray bce = p.maximum(0f).sub(p.mul(present)).add(p.abs().neg().exp().add(1f).log()).mean();
                        NDArray shapeLogp = logits.get(":, :, 1:4").logSoftmax(2).gather(shape, 2).squeeze(2); // (B, K)
                        NDArray dirLogp = logits.get(":, :, 4:8").logSoftmax(2).gather(dir, 2).squeeze(2); // (B, K)
                        float count = Math.max(1f, present.sum().getFloat());
                        NDArray ce = shapeLogp.add(dirLogp).mul(present).sum().neg().div(count);
                        loss = bce.add(ce);
                        gc.backward(loss);
                    }
                    lastLoss = loss.getFloat();
                    boolean grad = JniUtils.isGradMode();
                    JniUtils.setGradMode(false);
                    try {
                        List<NDArray> grads = new ArrayList<>(params.size());
                        for (NDArray q : params) {
                            NDArray g = q.getGradient(); // on the parameter's manager: move it to the step's
                            g.attach(sm);
                            grads.add(g);
                        }
                        float lr = o.lr() * (float) (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * step / o.steps())));
                        opt.update(params, grads, lr, 1e-4f, sm);
                        for (NDArray q : params) {
                            JniUtils.zeroGrad((PtNDArray) q);
                        }
                    } finally {
                        JniUtils.setGradMode(grad);
                    }
                }
                if ((step + 1) % 100 == 0 || step + 1 == o.steps()) {
                    out.printf(Locale.ROOT, "step %d/%d  loss %.4f  %.1f s%n", step + 1, o.steps(), lastLoss,
                            (System.nanoTime() - t0) / 1e9);
                }
            }
        } finally {
            params.forEach(p -> p.setRequiresGradient(false));
        }
        return lastLoss;
    }

}
