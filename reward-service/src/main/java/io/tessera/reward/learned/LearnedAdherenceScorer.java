package io.tessera.reward.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.tessera.generator.model.ComputeDevice;
import io.tessera.generator.world.Colour;
import io.tessera.generator.world.Motion;
import io.tessera.generator.world.ObjectSpec;
import io.tessera.generator.world.PromptParseException;
import io.tessera.generator.world.PromptParser;
import io.tessera.generator.world.Shape;
import io.tessera.reward.score.Frames;
import io.tessera.reward.score.Score;
import io.tessera.reward.score.Scorer;
import io.tessera.reward.score.ScoringException;
import io.tessera.reward.score.ScoringInput;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prompt adherence judged by a trained network ({@link AttributeNet}) instead of the detector's rules.
 * The network gives, per consecutive frame pair and palette colour, P(present), P(shape) and
 * P(direction). Each prompt object takes its own colour when the network sees it (mean presence &gt;=
 * 0.5), else the unclaimed colour it sees most (like the detector's matching); then
 * <ul>
 *   <li>{@code learned.colour}: mean over prompt objects of P(its colour present);
 *   <li>{@code learned.shape}: of P(its shape | matched colour);
 *   <li>{@code learned.motion}: of P(its direction | matched colour) over the first
 *       {@value #INITIAL_PAIRS} pairs (the world's initial movement);
 *   <li>{@code learned}: the mean of the three.
 * </ul>
 * An attribute counts as confirmed when its probability is at least 0.5 ({@link #judge}). The shipped
 * weights are {@value #RESOURCE} (made by {@link TrainScorer}). Holds native memory: close it.
 */
public final class LearnedAdherenceScorer implements Scorer, AutoCloseable {
    public static final String NAME = "learned";
    public static final String RESOURCE = "io/tessera/reward/learned/attribute-net.bin";
    static final int INITIAL_PAIRS = 3;

    private final NDManager root;
    private final AttributeNet net;
    private final String version;

    LearnedAdherenceScorer(NDManager root, AttributeNet net, String version) {
        this.root = root;
        this.net = net;
        this.version = version;
    }

    /** The shipped weights. */
    public static LearnedAdherenceScorer loadDefault() {
        InputStream in = LearnedAdherenceScorer.class.getClassLoader().getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException("no learned-scorer weights on the classpath at " + RESOURCE
                    + " (train them with io.tessera.reward.learned.TrainScorer)");
        }
        return read(in, "shipped");
    }

    /** Weights written by {@link TrainScorer}. */
    public static LearnedAdherenceScorer load(Path file) {
        try {
            return read(Files.newInputStream(file), file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read learned-scorer weights " + file, e);
        }
    }

    private static LearnedAdherenceScorer read(InputStream raw, String what) {
        NDManager root = NDManager.newBaseManager(ai.djl.Device.cpu(), ComputeDevice.ENGINE);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
            AttributeNet net = AttributeNet.read(root, in);
            return new LearnedAdherenceScorer(root, net, "learned-1:" + checksum(net));
        } catch (IOException e) {
            root.close();
            throw new UncheckedIOException("cannot read learned-scorer weights (" + what + ")", e);
        }
    }

    /** A short checksum of the weights, so the version names the network that scored. */
    private static String checksum(AttributeNet net) {
        long h = 1125899906842597L;
        for (NDArray p : net.parameters()) {
            for (float f : p.toFloatArray()) {
                h = 31 * h + Float.floatToIntBits(f);
            }
        }
        return String.format(Locale.ROOT, "%08x", (int) (h ^ (h >>> 32)));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return version;
    }

    /** The network's probabilities for every consecutive pair of frames (one frame: paired with itself). */
    Predictions predict(List<BufferedImage> frames) {
        List<BufferedImage> f = Frames.toWorldSize(frames);
        List<byte[]> pooled = new ArrayList<>();
        for (BufferedImage img : f) {
            pooled.add(PairPixels.pool(img));
        }
        int pairs = Math.max(1, pooled.size() - 1);
        float[][] x = new float[pairs][];
        for (int i = 0; i < pairs; i++) {
            x[i] = PairPixels.pair(pooled.get(i), pooled.get(Math.min(i + 1, pooled.size() - 1)));
        }
        return predict(x);
    }

    Predictions predict(float[][] pairs) {
        int n = pairs.length;
        int k = AttributeNet.COLOURS;
        int h = AttributeNet.HEADS;
        float[] logits;
        synchronized (this) {
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try (NDManager step = root.newSubManager()) {
                logits = net.forward(AttributeNet.input(step, pairs)).toFloatArray(); // (n, k * h)
            } finally {
                JniUtils.setGradMode(grad);
            }
        }
        double[][] presence = new double[n][k];
        double[][][] shape = new double[n][k][Shape.values().length];
        double[][][] direction = new double[n][k][Motion.values().length];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                int at = (i * k + c) * h;
                presence[i][c] = 1 / (1 + Math.exp(-logits[at]));
                softmax(logits, at + AttributeNet.SHAPE_FROM, shape[i][c]);
                softmax(logits, at + AttributeNet.DIRECTION_FROM, direction[i][c]);
            }
        }
        return new Predictions(presence, shape, direction);
    }

    private static void softmax(float[] logits, int from, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < out.length; j++) {
            max = Math.max(max, logits[from + j]);
        }
        double sum = 0;
        for (int j = 0; j < out.length; j++) {
            out[j] = Math.exp(logits[from + j] - max);
            sum += out[j];
        }
        for (int j = 0; j < out.length; j++) {
            out[j] /= sum;
        }
    }

    /** Per prompt object: {P(colour), P(shape), P(motion)} after matching (see the class comment). */
    public List<double[]> judge(List<BufferedImage> frames, List<ObjectSpec> expected) {
        Predictions p = predict(frames);
        List<double[]> out = new ArrayList<>();
        boolean[] claimed = new boolean[AttributeNet.COLOURS];
        int[] matched = new int[expected.size()];
        for (int i = 0; i < expected.size(); i++) {
            int c = expected.get(i).colour().ordinal();
            matched[i] = p.presence(c) >= 0.5 && !claimed[c] ? c : -1;
            if (matched[i] >= 0) {
                claimed[c] = true;
            }
        }
        for (int i = 0; i < expected.size(); i++) {
            if (matched[i] < 0) {
                int best = -1;
                for (int c = 0; c < AttributeNet.COLOURS; c++) {
                    if (!claimed[c] && p.presence(c) >= 0.5 && (best < 0 || p.presence(c) > p.presence(best))) {
                        best = c;
                    }
                }
                matched[i] = best;
                if (best >= 0) {
                    claimed[best] = true;
                }
            }
            ObjectSpec o = expected.get(i);
            int c = matched[i];
            double colour = p.presence(o.colour().ordinal());
            double shape = c < 0 ? 0 : p.shape(c, o.shape().ordinal());
            double motion = c < 0 ? 0 : p.initialDirection(c, o.motion().ordinal(), INITIAL_PAIRS);
            out.add(new double[] {colour, shape, motion});
        }
        return out;
    }

    @Override
    public Score score(ScoringInput input) {
        List<ObjectSpec> expected;
        try {
            expected = PromptParser.parse(input.prompt());
        } catch (PromptParseException e) {
            throw new ScoringException("prompt cannot be scored: " + e.getMessage(), e);
        }
        List<double[]> j = judge(input.frames(), expected);
        double[] mean = new double[3];
        StringBuilder details = new StringBuilder();
        for (int i = 0; i < j.size(); i++) {
            for (int a = 0; a < 3; a++) {
                mean[a] += j.get(i)[a] / j.size();
            }
            details.append(String.format(Locale.ROOT, "%s: P(colour) %.2f P(shape) %.2f P(motion) %.2f; ",
                    expected.get(i).phrase(), j.get(i)[0], j.get(i)[1], j.get(i)[2]));
        }
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("colour", mean[0]);
        parts.put("shape", mean[1]);
        parts.put("motion", mean[2]);
        return Score.of(NAME, (mean[0] + mean[1] + mean[2]) / 3, parts, details.toString().trim());
    }


    @Override
    public void close() {
        net.close();
        root.close();
    }
}
