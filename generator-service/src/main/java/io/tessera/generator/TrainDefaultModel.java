package io.tessera.generator;

import io.tessera.generator.model.Policy;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.generator.train.Pretrainer;
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
 * train [--out DIR] [--install] [pretrainer options: --steps --batch --seq-len --lr --seed
 *        --checkpoint-dir --checkpoint-every --log-every --warmup --weight-decay --grad-clip]
 * </pre>
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
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--install" -> install = true;
                default -> rest.add(args[i]);
            }
        }
        Tokenizers tokenizers = Tokenizers.loadDefault();
        // By default every world sequence fits whole: --seq-len is the mix's longest sequence.
        String longest = Integer.toString(new TrainingMix(tokenizers, 0L).worldMaxLength());
        TrainOptions base = TrainOptions.parse(new String[] {"--seq-len", longest},
                TrainOptions.defaults(DEFAULT_CHECKPOINTS));
        TrainOptions options = TrainOptions.parse(rest.toArray(String[]::new), base);
        TrainingMix mix = new TrainingMix(tokenizers, options.seed());
        System.out.printf("training the default model: %s, %d steps of %d x %d tokens, checkpoints in %s%n",
                Generator.defaultModelConfig(tokenizers), options.steps(), options.batch(), options.seqLen(),
                options.checkpointDir().toAbsolutePath());
        long started = System.nanoTime();
        try (Policy initial = Policy.randomInit(Generator.defaultModelConfig(tokenizers), options.seed());
                Policy trained = new Pretrainer(options, mix).train(initial, System.out)) {
            trained.save(out);
            System.out.printf("model written to %s after %.1f min%n", out.toAbsolutePath(),
                    (System.nanoTime() - started) / 6e10);
            if (install) {
                installIntoResources(out, Path.of(RESOURCES));
            }
        }
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
