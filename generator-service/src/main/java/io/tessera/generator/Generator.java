package io.tessera.generator;

import io.tessera.generator.engine.EngineConfig;
import io.tessera.generator.engine.GenerationEngine;
import io.tessera.generator.engine.SampleRequest;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenGrammar;
import io.tessera.generator.model.ModelConfig;
import io.tessera.generator.model.Policy;
import io.tessera.generator.tokenize.Special;
import io.tessera.generator.tokenize.TextTokenizer;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.generator.world.World;
import io.tessera.records.Task;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generator facade: one model's tokenizers, sequence layout and policy, and the engine requests
 * they make. A model directory holds {@code model.properties} + {@code weights.bin} (the policy) and
 * {@code video-tokenizer.bin} + {@code audio-tokenizer.bin}; the shipped default model is the same
 * layout under the classpath folder {@value Tokenizers#DEFAULT_RESOURCE_DIR}.
 */
public final class Generator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Generator.class);
    /** Seed of the random weights used when no trained policy ships. */
    public static final long UNTRAINED_SEED = 0L;

    private final Tokenizers tokenizers;
    private final SequenceLayout layout;
    private final Policy policy;

    public Generator(Tokenizers tokenizers, Policy policy) {
        this.tokenizers = Objects.requireNonNull(tokenizers, "tokenizers");
        this.layout = new SequenceLayout(tokenizers.vocabulary());
        this.policy = Objects.requireNonNull(policy, "policy");
        if (policy.config().vocabSize() != tokenizers.vocabulary().size()) {
            throw new IllegalArgumentException("policy vocabulary " + policy.config().vocabSize()
                    + " does not match the tokenizers' vocabulary " + tokenizers.vocabulary().size());
        }
    }

    /** The default architecture for the shipped tokenizers' vocabulary. */
    public static ModelConfig defaultModelConfig(Tokenizers tokenizers) {
        return ModelConfig.defaults(tokenizers.vocabulary().size(), tokenizers.vocabulary().id(Special.EOS));
    }

    /** The shipped model if present, else the real architecture with random weights (logs a WARN). */
    public static Generator loadDefault() {
        Tokenizers tokenizers = Tokenizers.loadDefault();
        ClassLoader cl = Generator.class.getClassLoader();
        String dir = Tokenizers.DEFAULT_RESOURCE_DIR;
        if (cl.getResource(dir + Policy.CONFIG_FILE) != null && cl.getResource(dir + Policy.WEIGHTS_FILE) != null) {
            Path tmp = null;
            try {
                tmp = Files.createTempDirectory("tessera-default-model");
                for (String f : new String[] {Policy.CONFIG_FILE, Policy.WEIGHTS_FILE}) {
                    try (InputStream in = cl.getResourceAsStream(dir + f)) {
                        Files.copy(in, tmp.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                return new Generator(tokenizers, Policy.load(tmp));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot unpack the shipped model", e);
            } finally {
                deleteQuietly(tmp);
            }
        }
        LOG.warn("No trained model ships in {}: using the default architecture with RANDOM weights; the model is"
                + " untrained and its generations are noise (train one with `bin/tessera train`)", dir);
        return new Generator(tokenizers, Policy.randomInit(defaultModelConfig(tokenizers), UNTRAINED_SEED));
    }

    /** A model directory: the policy, and its tokenizers when present there (else the shipped ones). */
    public static Generator load(Path modelDir) {
        Tokenizers tokenizers = Tokenizers.presentIn(modelDir) ? Tokenizers.load(modelDir) : Tokenizers.loadDefault();
        return new Generator(tokenizers, Policy.load(modelDir));
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.debug("could not delete {}", dir, e);
        }
    }

    /** Identity of config + tokenizers, stamped on records: {@code tessera-<configId>-<tokenizersId>}. */
    public String modelId() {
        return "tessera-" + policy.config().id() + "-" + tokenizers.id();
    }

    public Policy policy() {
        return policy;
    }

    public Tokenizers tokenizers() {
        return tokenizers;
    }

    public GenerationEngine newEngine(EngineConfig cfg) {
        return new GenerationEngine(policy, cfg);
    }

    public ClipLayout layout() {
        return layout;
    }

    public SequenceLayout sequenceLayout() {
        return layout;
    }

    /**
     * Builds the engine request: task token, text bytes, conditioning media tokens, grammar, CFG prefix.
     * Text-to-video, image-to-video and continuation generate {@code framesToGenerate} frames of
     * [16 video, 1 audio]; video-to-audio generates one audio token per conditioning frame (and
     * {@code framesToGenerate} must be 0 or that count). Conditioning frames may be any size (resized
     * to 64x64); conditioning audio (continuation only) is 16 kHz, 2000 samples per conditioning frame.
     */
    public SampleRequest sampleRequest(String sampleId, Task task, String prompt,
            List<BufferedImage> conditioningFrames, float[] conditioningAudio16k,
            int framesToGenerate, SamplingConfig sampling, long arrivedAtNanos) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(sampling, "sampling");
        List<int[]> video = new ArrayList<>();
        if (task != Task.TEXT_TO_VIDEO && conditioningFrames != null) {
            List<BufferedImage> use = task == Task.IMAGE_TO_VIDEO && !conditioningFrames.isEmpty()
                    ? conditioningFrames.subList(0, 1) : conditioningFrames;
            for (BufferedImage f : use) {
                video.add(tokenizers.encodeFrame(f));
            }
        }
        int[] audio = task == Task.VIDEO_CONTINUATION && conditioningAudio16k != null
                ? tokenizers.encodeAudio(conditioningAudio16k) : null;
        int maxNew;
        if (task == Task.VIDEO_TO_AUDIO) {
            if (video.isEmpty()) {
                throw new IllegalArgumentException("VIDEO_TO_AUDIO needs conditioning frames");
            }
            if (framesToGenerate != 0 && framesToGenerate != video.size()) {
                throw new IllegalArgumentException("VIDEO_TO_AUDIO generates audio for the " + video.size()
                        + " conditioning frames; framesToGenerate must be 0 or " + video.size() + ", got "
                        + framesToGenerate);
            }
            maxNew = video.size();
        } else {
            if (framesToGenerate < 1) {
                throw new IllegalArgumentException("framesToGenerate must be >= 1, got " + framesToGenerate);
            }
            maxNew = framesToGenerate * layout.generatedTokensPerFrame(task);
        }
        int[] text = TextTokenizer.encode(prompt == null ? "" : prompt);
        int[] prefix = layout.prefix(task, text, video, audio);
        int[] unconditional = sampling.guidanceScale() != 1.0f ? layout.prefix(task, new int[0], video, audio) : null;
        int maxSeq = policy.config().maxSeqLen();
        if (prefix.length + maxNew > maxSeq) {
            throw new IllegalArgumentException("prefix " + prefix.length + " + " + maxNew + " generated tokens exceed the"
                    + " model's maxSeqLen " + maxSeq + " (fewer frames, please)");
        }
        TokenGrammar grammar = layout.grammar(task);
        return new SampleRequest(sampleId, prefix, unconditional, maxNew, grammar, sampling, arrivedAtNanos);
    }

    /** One frame's video tokens (vocabulary ids) -> 64x64 RGB. */
    public BufferedImage decodeFrame(int[] videoTokens) {
        return tokenizers.decodeFrame(videoTokens);
    }

    /** Audio tokens (vocabulary ids, one per frame) -> 16 kHz mono PCM, {@value World#SAMPLES_PER_FRAME} per token. */
    public float[] decodeAudio(int[] audioTokens) {
        return tokenizers.decodeAudio(audioTokens);
    }

    /**
     * Decodes a generated token stream of a task: every complete frame unit to a frame, every audio
     * token to its 2000 samples. A trailing incomplete frame is ignored.
     */
    public DecodedClip decode(Task task, int[] generated) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(generated, "generated");
        int per = layout.generatedTokensPerFrame(task);
        int complete = generated.length / per;
        List<BufferedImage> frames = new ArrayList<>();
        if (task != Task.VIDEO_TO_AUDIO) {
            for (int f = 0; f < complete; f++) {
                frames.add(decodeFrame(layout.videoOfFrame(task, generated, f)));
            }
        }
        int[] audio = layout.audioOf(task, java.util.Arrays.copyOf(generated, complete * per));
        return new DecodedClip(frames, decodeAudio(audio));
    }

    @Override
    public void close() {
        policy.close();
    }
}
