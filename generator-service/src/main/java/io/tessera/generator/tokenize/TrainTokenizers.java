package io.tessera.generator.tokenize;

import io.tessera.generator.world.Clip;
import io.tessera.generator.world.ClipRenderer;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.Split;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the shipped tokenizers, a deterministic function of the arguments: renders training clips
 * with seeds {@code 0..clips-1}, learns the video masks and the audio codebook by k-means, and writes
 * {@value Tokenizers#VIDEO_FILE} and {@value Tokenizers#AUDIO_FILE} into the output folder.
 *
 * <pre>java ... io.tessera.generator.tokenize.TrainTokenizers [--out DIR] [--clips N] [--seed S]</pre>
 */
public final class TrainTokenizers {
    public static final int DEFAULT_CLIPS = 400;
    public static final long DEFAULT_SEED = 7;
    public static final int ITERATIONS = 30;
    /** Evaluation clips use seeds from here on, far from the training seeds. */
    public static final long EVAL_SEED_BASE = 1_000_000L;
    public static final String DEFAULT_OUT = "generator-service/src/main/resources/" + Tokenizers.DEFAULT_RESOURCE_DIR;
    private static final Logger LOG = LoggerFactory.getLogger(TrainTokenizers.class);

    private TrainTokenizers() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(DEFAULT_OUT);
        int clips = DEFAULT_CLIPS;
        long seed = DEFAULT_SEED;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--out" -> out = Path.of(require(args[i], v));
                case "--clips" -> clips = Integer.parseInt(require(args[i], v));
                case "--seed" -> seed = Long.parseLong(require(args[i], v));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --out DIR, --clips N, --seed S)");
            }
            i++;
        }
        Tokenizers t = train(clips, seed);
        write(t, out);
        System.out.println("wrote " + out.resolve(Tokenizers.VIDEO_FILE) + " and " + out.resolve(Tokenizers.AUDIO_FILE)
                + " (tokenizers id " + Tokenizers.load(out).id() + ")");
    }

    private static String require(String key, String value) {
        if (value == null) {
            throw new IllegalArgumentException(key + " needs a value");
        }
        return value;
    }

    /** Trains both tokenizers on {@code clips} training clips (seeds 0..clips-1), deterministically. */
    public static Tokenizers train(int clips, long seed) {
        List<BufferedImage> frames = new ArrayList<>();
        List<float[]> audio = new ArrayList<>();
        for (int s = 0; s < clips; s++) {
            Clip c = ClipRenderer.render(ClipSpec.random(s, Split.TRAIN));
            frames.addAll(c.frames());
            audio.add(c.audio());
        }
        LOG.info("training tokenizers on {} clips ({} frames), seed {}", clips, frames.size(), seed);
        VideoTokenizer v = VideoTokenizer.train(frames, VideoTokenizer.DEFAULT_MASKS, ITERATIONS, seed);
        AudioTokenizer a = AudioTokenizer.train(audio, AudioTokenizer.DEFAULT_CODES, ITERATIONS, seed);
        try {
            java.io.ByteArrayOutputStream vb = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream ab = new java.io.ByteArrayOutputStream();
            v.write(vb);
            a.write(ab);
            // the same bytes as the files, so the id equals the one Tokenizers.load reports
            return Tokenizers.fromBytes(vb.toByteArray(), ab.toByteArray(), "freshly trained tokenizers");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static void write(Tokenizers t, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (OutputStream o = Files.newOutputStream(dir.resolve(Tokenizers.VIDEO_FILE))) {
            t.video().write(o);
        }
        try (OutputStream o = Files.newOutputStream(dir.resolve(Tokenizers.AUDIO_FILE))) {
            t.audio().write(o);
        }
    }
}
