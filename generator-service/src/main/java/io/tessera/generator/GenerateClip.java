package io.tessera.generator;

import io.tessera.generator.engine.Admission;
import io.tessera.generator.engine.EngineConfig;
import io.tessera.generator.engine.FinishReason;
import io.tessera.generator.engine.GenerationEngine;
import io.tessera.generator.engine.SampleRequest;
import io.tessera.generator.engine.SampleTimings;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenListener;
import io.tessera.generator.world.World;
import io.tessera.media.AnimatedGif;
import io.tessera.media.Png;
import io.tessera.media.Wav;
import io.tessera.records.Task;
import io.tessera.schemas.SamplingDefaults;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * {@code bin/tessera generate "PROMPT" --out DIR}: runs the engine in this process (no Kafka, no Flink)
 * and writes {@code frame-NNN.png}, {@code clip.gif} and {@code audio.wav}. With {@code --image FILE}
 * the task is image-to-video from that picture.
 */
public final class GenerateClip {

    static final String USAGE = """
            Usage: tessera generate "PROMPT" [--out DIR] [--frames N] [--seed S] [--temperature T] [--top-k K]
                                    [--top-p P] [--guidance G] [--image FILE] [--model DIR]
              Generates one clip in this process with the default model (or --model DIR) and writes
              DIR/frame-000.png..., DIR/clip.gif and DIR/audio.wav (default DIR: tessera-out/generate).
            """;

    record Options(String prompt, Path out, int frames, SamplingConfig sampling, Path image, Path model) {
        static Options parse(String[] args) {
            String prompt = null;
            Path out = Path.of("tessera-out", "generate");
            int frames = World.DEFAULT_FRAMES;
            long seed = 1;
            float temperature = SamplingDefaults.TEMPERATURE;
            int topK = SamplingDefaults.TOP_K;
            float topP = SamplingDefaults.TOP_P;
            float guidance = SamplingDefaults.GUIDANCE;
            Path image = null;
            Path model = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--")) {
                    if (prompt != null) {
                        throw new IllegalArgumentException("one prompt only; quote it: tessera generate \"a red circle"
                                + " moving left\"");
                    }
                    prompt = a;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--out" -> out = Path.of(v);
                    case "--frames" -> frames = Integer.parseInt(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--temperature" -> temperature = Float.parseFloat(v);
                    case "--top-k" -> topK = Integer.parseInt(v);
                    case "--top-p" -> topP = Float.parseFloat(v);
                    case "--guidance" -> guidance = Float.parseFloat(v);
                    case "--image" -> image = Path.of(v);
                    case "--model" -> model = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
                }
            }
            if (prompt == null) {
                throw new IllegalArgumentException("a prompt is needed\n" + USAGE);
            }
            if (frames < 1 || frames > 64) {
                throw new IllegalArgumentException("--frames must be in [1, 64], got " + frames);
            }
            return new Options(prompt, out, frames, new SamplingConfig(temperature, topK, topP, guidance, seed), image,
                    model);
        }
    }

    private GenerateClip() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Returns an exit code: 0 done, 2 bad arguments, 1 failure. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(USAGE);
            return 0;
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("tessera generate: " + e.getMessage());
            return 2;
        }
        try (Generator generator = o.model() == null ? Generator.loadDefault() : Generator.load(o.model())) {
            Task task = o.image() == null ? Task.TEXT_TO_VIDEO : Task.IMAGE_TO_VIDEO;
            List<BufferedImage> given = o.image() == null ? List.of() : List.of(readImage(o.image()));
            SampleRequest request = generator.sampleRequest("generate", task, o.prompt(), given, null,
                    task == Task.IMAGE_TO_VIDEO ? Math.max(1, o.frames() - 1) : o.frames(), o.sampling(),
                    System.nanoTime());
            long t0 = System.nanoTime();
            int[] tokens = generate(generator, request);
            double secs = (System.nanoTime() - t0) / 1e9;
            DecodedClip clip = generator.decode(task, tokens);
            List<BufferedImage> frames = new ArrayList<>(given);
            frames.addAll(clip.frames());
            write(o.out(), frames, clip.audio());
            out.printf("%d frames (%d tokens in %.1f s, %.0f tokens/s) of \"%s\" written to %s%n", frames.size(),
                    tokens.length, secs, tokens.length / secs, o.prompt(), o.out().toAbsolutePath().normalize());
            return 0;
        } catch (RuntimeException e) {
            err.println("tessera generate: " + e.getMessage());
            return 1;
        }
    }

    static int[] generate(Generator generator, SampleRequest request) {
        int[] tokens = new int[request.maxNewTokens()];
        int[] count = {0};
        FinishReason[] finished = {null};
        TokenListener listener = new TokenListener() {
            @Override
            public void onToken(String sampleId, int position, int token, float logprob, long policyVersion) {
                tokens[position] = token;
                count[0] = Math.max(count[0], position + 1);
            }

            @Override
            public void onFinished(String sampleId, FinishReason reason, SampleTimings timings) {
                finished[0] = reason;
            }
        };
        try (GenerationEngine engine = generator.newEngine(new EngineConfig(2, 0, generator.policy().config().maxSeqLen()))) {
            if (engine.submit(request, listener) != Admission.ACCEPTED) {
                throw new IllegalStateException("the engine refused the request");
            }
            while (finished[0] == null) {
                engine.step();
            }
        }
        if (finished[0] == FinishReason.ERROR) {
            throw new IllegalStateException("generation failed");
        }
        return java.util.Arrays.copyOf(tokens, count[0]);
    }

    private static BufferedImage readImage(Path file) {
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                throw new IllegalArgumentException(file + " is not an image ImageIO can read (PNG, JPEG, GIF, BMP)");
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void write(Path dir, List<BufferedImage> frames, float[] audio) {
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < frames.size(); i++) {
                atomicWrite(dir.resolve(String.format("frame-%03d.png", i)), Png.encode(frames.get(i)));
            }
            atomicWrite(dir.resolve("clip.gif"), AnimatedGif.encode(frames, 1000 / World.FPS));
            atomicWrite(dir.resolve("audio.wav"), Wav.encode(audio, World.SAMPLE_RATE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + dir, e);
        }
    }

    private static void atomicWrite(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
