package io.tessera.generator;

import io.tessera.generator.model.AdditiveCodes;
import io.tessera.generator.model.ModelConfig;
import io.tessera.generator.model.Policy;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.generator.tokenize.Vocabulary;
import io.tessera.generator.train.Pretrainer;
import io.tessera.generator.train.SequenceSource;
import io.tessera.generator.train.TrainOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code bin/tessera train}: pretrains the default transformer on the world's training mix (all four
 * tasks, classifier-free-guidance dropout on the prompt) with the shipped tokenizers, checkpointing as
 * it goes and resuming from the latest checkpoint when run again, then writes the model directory.
 *
 * <pre>
 * train [--out DIR] [--install] [--init MODEL_DIR] [--motion-drill N [--colour-pairs] [--either-object]
 *       [--underspecified-from-image]]
 *       [--additive-video]
 *       [--context-noise R] [--dropout P]
 *       [pretrainer options: --steps --batch --seq-len --lr --seed --checkpoint-dir --checkpoint-every --log-every
 *        --warmup --weight-decay --grad-clip]
 * </pre>
 *
 * {@code --init} starts from a saved model's weights instead of random ones (fine-tuning; a checkpoint in
 * {@code --checkpoint-dir} still wins, so a fine-tuning run resumes like any other). {@code --motion-drill N}
 * puts N {@link MotionDrill} batches after each batch of the mix (default 0: the plain mix); {@code --colour-pairs}
 * makes every other minimal pair of the drill differ in colour instead of motion; {@code --either-object} lets a
 * pair of two-object clips vary the second object as well as the first; {@code --underspecified-from-image} makes
 * every pair whose prompts leave the colour or the shape out an image-to-video pair.
 * {@code --additive-video} keeps the embedding of every painted video code the sum of a mask part and a colour
 * part ({@link AdditiveCodes}), so what is learned about a shape's motion in one colour holds in the others.
 * {@code --context-noise R} corrupts the generated video tokens the model reads at a per-row rate drawn in
 * [0, R], the targets staying clean ({@link ContextNoise}), so that it learns to repair its history.
 * {@code --dropout P} trains with residual dropout at rate P ({@link Pretrainer#withDropout}; default 0, none).
 *
 * {@code --install} copies the result's {@code model.properties} and {@code weights.bin} into the
 * module's resources ({@value #RESOURCES}), which is how the shipped default model is produced.
 */
public final class TrainDefaultModel {
    /** Where the shipped model lives in the source tree, relative to the repository root. */
    static final String RESOURCES = "generator-service/src/main/resources/" + Tokenizers.DEFAULT_RESOURCE_DIR;
    static final Path DEFAULT_OUT = Path.of(".tessera", "model");
    static final Path DEFAULT_CHECKPOINTS = Path.of(".tessera", "train");

    private TrainDefaultModel() {}

    public static void main(String[] args) {
        Path out = DEFAULT_OUT;
        boolean install = false;
        Path init = null;
        int drill = 0;
        boolean additive = false;
        float noise = 0;
        boolean colourPairs = false;
        boolean eitherObject = false;
        boolean underspecifiedFromImage = false;
        float dropout = 0f;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--install" -> install = true;
                case "--init" -> init = Path.of(args[++i]);
                case "--motion-drill" -> drill = parseDrill(args[++i]);
                case "--additive-video" -> additive = true;
                case "--context-noise" -> noise = parseRate("--context-noise", args[++i]);
                case "--colour-pairs" -> colourPairs = true;
                case "--either-object" -> eitherObject = true;
                case "--underspecified-from-image" -> underspecifiedFromImage = true;
                case "--dropout" -> dropout = parseRate("--dropout", args[++i]);
                default -> rest.add(args[i]);
            }
        }
        Tokenizers tokenizers = Tokenizers.loadDefault();
        // By default every world sequence fits whole: --seq-len is the mix's longest sequence.
        String longest = Integer.toString(new TrainingMix(tokenizers, 0L).worldMaxLength());
        TrainOptions base = TrainOptions.parse(new String[] {"--seq-len", longest},
                TrainOptions.defaults(DEFAULT_CHECKPOINTS));
        TrainOptions options = TrainOptions.parse(rest.toArray(String[]::new), base);
        MotionDrill drilled = new MotionDrill(new TrainingMix(tokenizers, options.seed()), drill, colourPairs,
                eitherObject, underspecifiedFromImage);
        SequenceSource source = noise == 0 ? drilled : ContextNoise.overVideo(drilled, noise, tokenizers);
        AdditiveCodes videoCodes = additive ? additiveVideoCodes(tokenizers) : null;
        System.out.printf("training the default model: %s, %d steps of %d x %d tokens%s%s%s%s, from %s, checkpoints in %s%n",
                Generator.defaultModelConfig(tokenizers), options.steps(), options.batch(), options.seqLen(),
                drill == 0 ? "" : ", " + drill + " motion-drill batches after each"
                        + (colourPairs ? " (half the pairs colour pairs)" : "")
                        + (eitherObject ? " (pairs vary either object)" : "")
                        + (underspecifiedFromImage ? " (underspecified pairs image-to-video)" : ""),
                noise == 0 ? "" : ", generated video history corrupted at up to " + noise + " per token",
                videoCodes == null ? "" : ", video codes kept additive (mask + colour, " + videoCodes + ")",
                dropout == 0 ? "" : ", residual dropout " + dropout,
                init == null ? "random weights" : init.toAbsolutePath(), options.checkpointDir().toAbsolutePath());
        long started = System.nanoTime();
        ModelConfig config = Generator.defaultModelConfig(tokenizers);
        try (Policy initial = init == null ? Policy.randomInit(config, options.seed()) : Policy.load(init, config);
                Policy trained = new Pretrainer(options, source, videoCodes).withDropout(dropout)
                        .train(initial, System.out)) {
            trained.save(out);
            System.out.printf("model written to %s after %.1f min%n", out.toAbsolutePath(),
                    (System.nanoTime() - started) / 6e10);
            if (install) {
                installIntoResources(out, Path.of(RESOURCES));
            }
        }
    }

    /** The video codes painted in a colour (all but code 0, the empty patch): mask x colour. */
    static AdditiveCodes additiveVideoCodes(Tokenizers tokenizers) {
        Vocabulary vocabulary = tokenizers.vocabulary();
        return new AdditiveCodes(vocabulary.video(1), tokenizers.video().masks(), tokenizers.video().colours());
    }

    /** A rate in [0, 1) for {@code flag}, or a message naming the flag. */
    private static float parseRate(String flag, String v) {
        try {
            float r = Float.parseFloat(v);
            if (r >= 0 && r < 1) {
                return r;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(flag + " must be a rate in [0, 1), got " + v);
    }

    private static int parseDrill(String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("--motion-drill must be an integer >= 0, got " + v);
    }

    static void installIntoResources(Path modelDir, Path resources) {
        try {
            Files.createDirectories(resources);
            for (String f : Arrays.asList(Policy.CONFIG_FILE, Policy.WEIGHTS_FILE)) {
                Files.copy(modelDir.resolve(f), resources.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            System.out.println("installed as the shipped default model in " + resources.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the model into " + resources, e);
        }
    }
}
