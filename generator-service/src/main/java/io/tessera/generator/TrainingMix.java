package io.tessera.generator;

import io.tessera.generator.tokenize.TextTokenizer;
import io.tessera.generator.train.SequenceSource;
import io.tessera.generator.train.TrainingBatch;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.generator.world.Clip;
import io.tessera.generator.world.ClipRenderer;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.Split;
import io.tessera.generator.world.World;
import io.tessera.records.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The pretraining data: sequence {@code i} is a deterministic function of (seed, i), so training
 * can resume at any step and give the same batches. Each sequence renders a fresh training-split
 * clip of {@value #CLIP_FRAMES} frames, picks a task (text-to-video {@value #T2V_PERCENT}%, the three
 * others {@value #OTHER_PERCENT}% each), drops the prompt with probability {@link #dropout} for
 * classifier-free guidance, and lays it out with {@link SequenceLayout}. Lengths (prompt of P bytes):
 * T2V and I2V {@code 5 + P + 272}, continuation {@code 5 + P + 272} (k = 2..8 frames in the prefix),
 * video-to-audio {@code 7 + P + 256 + 16}; world prompts have P = 22..67, so 299..346 tokens (277/279 with
 * the prompt dropped); at most
 * 407 with the 128-byte text cap.
 */
public final class TrainingMix implements SequenceSource {
    public static final int CLIP_FRAMES = World.DEFAULT_FRAMES;
    public static final int T2V_PERCENT = 40;
    public static final int OTHER_PERCENT = 20;
    public static final double DEFAULT_DROPOUT = 0.1;
    public static final int MIN_CONTEXT_FRAMES = 2;
    public static final int MAX_CONTEXT_FRAMES = 8;
    /**
     * The first generated frames of a video task carry what the prompt asks for (which objects, where,
     * and which way they start to move); every later frame follows from them. They are a few dozen of
     * ~300 targets, so they weigh {@value #KEY_FRAME_WEIGHT} times as much in the loss.
     */
    public static final int KEY_FRAMES = 2;
    public static final float KEY_FRAME_WEIGHT = 4f;

    private final Tokenizers tokenizers;
    private final SequenceLayout layout;
    private final long seed;
    private final double dropout;

    public TrainingMix(Tokenizers tokenizers, long seed, double dropout) {
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        this.tokenizers = tokenizers;
        this.layout = new SequenceLayout(tokenizers.vocabulary());
        this.seed = seed;
        this.dropout = dropout;
    }

    public TrainingMix(Tokenizers tokenizers, long seed) {
        this(tokenizers, seed, DEFAULT_DROPOUT);
    }

    /** The mix over the shipped tokenizers with the default dropout; {@link #batch} takes its seed per call. */
    public static TrainingMix withDefaultTokenizers() {
        return new TrainingMix(Tokenizers.loadDefault(), 0L, DEFAULT_DROPOUT);
    }

    public double dropout() {
        return dropout;
    }

    /** Longest sequence this mix yields for any world prompt (346 with the shipped layout): a good --seq-len. */
    public int worldMaxLength() {
        int longest = 0;
        List<io.tessera.generator.world.ObjectSpec> all = new ArrayList<>();
        all.addAll(io.tessera.generator.world.HeldOut.combinations(Split.TRAIN));
        all.addAll(io.tessera.generator.world.HeldOut.combinations(Split.HELD_OUT));
        for (var a : all) {
            for (var b : all) {
                longest = Math.max(longest, (a.phrase() + " and " + b.phrase()).getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
            }
        }
        return 7 + longest + CLIP_FRAMES * (layout.videoTokensPerFrame() + layout.audioTokensPerFrame());
    }

    /** Longest sequence this mix could yield (any prompt up to the text cap). */
    public int maxLength() {
        return 7 + TextTokenizer.MAX_BYTES + CLIP_FRAMES * (layout.videoTokensPerFrame() + layout.audioTokensPerFrame());
    }

    /**
     * Rows {@code step * batchSize ..} of the mix seeded with {@code seed}; a row longer than
     * {@code maxTokens} is cut at its end (its loss then covers the generated tokens that remain).
     */
    @Override
    public TrainingBatch batch(long seed, long step, int batchSize, int maxTokens) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        int[][] tokens = new int[batchSize][];
        float[][] weight = new float[batchSize][];
        for (int b = 0; b < batchSize; b++) {
            TrainingSequence s = sequence(seed, step * batchSize + b);
            if (maxTokens <= s.firstTarget() + 1) {
                throw new IllegalArgumentException("maxTokens " + maxTokens + " leaves no generated token after a "
                        + s.firstTarget() + "-token " + s.task() + " prefix; use a sequence length of at least "
                        + maxLength());
            }
            int n = Math.min(s.length(), maxTokens);
            tokens[b] = Arrays.copyOf(s.tokens(), n);
            weight[b] = lossWeights(s, n);
        }
        return new TrainingBatch(tokens, weight);
    }

    /** Loss weight per token of {@code s} cut to {@code n} tokens: 0 on the prefix, 1 on targets, more on key frames. */
    float[] lossWeights(TrainingSequence s, int n) {
        float[] w = new float[n];
        Arrays.fill(w, s.firstTarget(), n, 1f);
        if (s.task() != Task.VIDEO_TO_AUDIO) {
            int keyEnd = Math.min(n, s.firstTarget() + KEY_FRAMES * layout.generatedTokensPerFrame(s.task()));
            Arrays.fill(w, s.firstTarget(), keyEnd, KEY_FRAME_WEIGHT);
        }
        return w;
    }

    /** The i-th training sequence of this mix's seed. */
    public TrainingSequence sequence(long index) {
        return sequence(seed, index);
    }

    /** The i-th training sequence of the mix seeded with {@code mixSeed}. */
    public TrainingSequence sequence(long mixSeed, long index) {
        SplittableRandom rnd = new SplittableRandom(mixSeed ^ (index * 0x9E3779B97F4A7C15L));
        int roll = rnd.nextInt(100);
        Task task = roll < T2V_PERCENT ? Task.TEXT_TO_VIDEO
                : roll < T2V_PERCENT + OTHER_PERCENT ? Task.IMAGE_TO_VIDEO
                : roll < T2V_PERCENT + 2 * OTHER_PERCENT ? Task.VIDEO_CONTINUATION : Task.VIDEO_TO_AUDIO;
        return sequence(task, rnd.nextLong(), rnd.nextDouble() < dropout, rnd);
    }

    /** A sequence of a given task for the clip with seed {@code clipSeed} (training split). */
    public TrainingSequence sequence(Task task, long clipSeed, boolean dropPrompt, SplittableRandom rnd) {
        Clip clip = ClipRenderer.render(ClipSpec.random(clipSeed, Split.TRAIN, CLIP_FRAMES));
        return sequence(task, clip, dropPrompt, MIN_CONTEXT_FRAMES + rnd.nextInt(MAX_CONTEXT_FRAMES - MIN_CONTEXT_FRAMES + 1));
    }

    /** Lays out a clip for a task; {@code contextFrames} is used by continuation only. */
    public TrainingSequence sequence(Task task, Clip clip, boolean dropPrompt, int contextFrames) {
        return sequence(task, clip, clip.prompt(), dropPrompt, contextFrames);
    }

    /** As {@link #sequence(Task, Clip, boolean, int)} with another text for the clip (one that describes it). */
    public TrainingSequence sequence(Task task, Clip clip, String prompt, boolean dropPrompt, int contextFrames) {
        List<int[]> video = new ArrayList<>();
        clip.frames().forEach(f -> video.add(tokenizers.encodeFrame(f)));
        int[] audio = tokenizers.encodeAudio(clip.audio());
        int[] text = dropPrompt ? new int[0] : TextTokenizer.encode(prompt);
        int n = video.size();
        int[] prefix;
        int firstGenerated;
        switch (task) {
            case TEXT_TO_VIDEO -> {
                prefix = layout.prefix(task, text, List.of(), null);
                firstGenerated = 0;
            }
            case IMAGE_TO_VIDEO -> {
                prefix = layout.prefix(task, text, video.subList(0, 1), null);
                firstGenerated = 1;
            }
            case VIDEO_CONTINUATION -> {
                int k = Math.max(1, Math.min(contextFrames, n - 1));
                prefix = layout.prefix(task, text, video.subList(0, k), Arrays.copyOf(audio, k));
                firstGenerated = k;
            }
            case VIDEO_TO_AUDIO -> {
                prefix = layout.prefix(task, text, video, null);
                int[] tokens = Arrays.copyOf(prefix, prefix.length + n);
                System.arraycopy(audio, 0, tokens, prefix.length, n);
                return new TrainingSequence(task, tokens, prefix.length, prompt, dropPrompt);
            }
            default -> throw new IllegalArgumentException("unknown task " + task);
        }
        int per = layout.generatedTokensPerFrame(task);
        int[] tokens = Arrays.copyOf(prefix, prefix.length + (n - firstGenerated) * per);
        int at = prefix.length;
        for (int f = firstGenerated; f < n; f++) {
            System.arraycopy(video.get(f), 0, tokens, at, layout.videoTokensPerFrame());
            at += layout.videoTokensPerFrame();
            tokens[at++] = audio[f];
        }
        return new TrainingSequence(task, tokens, prefix.length, prompt, dropPrompt);
    }
}
