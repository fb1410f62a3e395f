package io.tessera.generator;

import io.tessera.generator.engine.TokenGrammar;
import io.tessera.generator.tokenize.Special;
import io.tessera.generator.tokenize.TextTokenizer;
import io.tessera.generator.tokenize.VideoTokenizer;
import io.tessera.generator.tokenize.Vocabulary;
import io.tessera.generator.world.World;
import io.tessera.records.Task;
import java.util.List;
import java.util.Objects;

/**
 * Where every token of a sequence goes, for each task (see the module README):
 * <pre>
 *   TEXT_TO_VIDEO       BOS T2V  BOT text EOT BOV                                  | F x [16 video, 1 audio]
 *   IMAGE_TO_VIDEO      BOS I2V  BOT text EOT BOV [16 video of frame 0, silence]   | F x [16 video, 1 audio]
 *   VIDEO_CONTINUATION  BOS VC   BOT text EOT BOV k x [16 video, 1 audio]          | F x [16 video, 1 audio]
 *   VIDEO_TO_AUDIO      BOS V2A  BOT text EOT BOV N x [16 video] EOV BOA           | N x [1 audio]
 * </pre>
 * Left of "|" is the prefix the model reads; right of it is what it generates (and, in training,
 * the only positions with a loss). Audio streams with video: each frame's audio token follows its
 * video tokens. Missing audio is the silence code. The unconditional prefix for classifier-free
 * guidance is the same with the text dropped ({@code BOT EOT}).
 */
public final class SequenceLayout implements ClipLayout {
    private final Vocabulary vocab;

    public SequenceLayout(Vocabulary vocab) {
        this.vocab = Objects.requireNonNull(vocab, "vocab");
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public int videoTokensPerFrame() {
        return VideoTokenizer.TOKENS_PER_FRAME;
    }

    @Override
    public int audioTokensPerFrame() {
        return 1;
    }

    @Override
    public int generatedTokensPerFrame(Task task) {
        return task == Task.VIDEO_TO_AUDIO ? audioTokensPerFrame() : videoTokensPerFrame() + audioTokensPerFrame();
    }

    @Override
    public boolean isVideoToken(int id) {
        return vocab.isVideo(id);
    }

    @Override
    public boolean isAudioToken(int id) {
        return vocab.isAudio(id);
    }

    @Override
    public int audioSampleRate() {
        return World.SAMPLE_RATE;
    }

    @Override
    public int framesPerSecond() {
        return World.FPS;
    }

    /** The periodic grammar of the generated part: video range for video slots, audio range for audio slots. */
    public TokenGrammar grammar(Task task) {
        int audioLo = vocab.audioBase();
        int audioHi = vocab.specialBase();
        if (task == Task.VIDEO_TO_AUDIO) {
            return new TokenGrammar(new int[] {audioLo}, new int[] {audioHi});
        }
        int period = generatedTokensPerFrame(task);
        int[] lo = new int[period];
        int[] hi = new int[period];
        for (int i = 0; i < period; i++) {
            boolean audio = i >= videoTokensPerFrame();
            lo[i] = audio ? audioLo : vocab.videoBase();
            hi[i] = audio ? audioHi : vocab.audioBase();
        }
        return new TokenGrammar(lo, hi);
    }

    /**
     * The prefix of a task.
     *
     * @param text       prompt bytes (already {@link TextTokenizer}-encoded; empty for the unconditional prefix)
     * @param videoIds   conditioning frames' video ids, one array of 16 per frame (I2V: at least 1, first used;
     *                   continuation: k &gt;= 1; video-to-audio: the N frames to score; T2V: ignored)
     * @param audioIds   audio id per conditioning frame, or null / shorter for silence (continuation only)
     */
    public int[] prefix(Task task, int[] text, List<int[]> videoIds, int[] audioIds) {
        IntList out = new IntList();
        out.add(vocab.id(Special.BOS));
        out.add(vocab.task(task));
        out.add(vocab.id(Special.BOT));
        for (int t : text) {
            if (!vocab.isText(t)) {
                throw new IllegalArgumentException("text token " + t + " is not a byte");
            }
            out.add(t);
        }
        out.add(vocab.id(Special.EOT));
        out.add(vocab.id(Special.BOV));
        int silence = vocab.audio(0);
        switch (task) {
            case TEXT_TO_VIDEO -> { }
            case IMAGE_TO_VIDEO -> {
                requireFrames(task, videoIds, 1);
                addVideo(out, videoIds.get(0));
                out.add(silence);
            }
            case VIDEO_CONTINUATION -> {
                requireFrames(task, videoIds, 1);
                for (int f = 0; f < videoIds.size(); f++) {
                    addVideo(out, videoIds.get(f));
                    int a = audioIds != null && f < audioIds.length ? audioIds[f] : silence;
                    if (!vocab.isAudio(a)) {
                        throw new IllegalArgumentException("conditioning audio id " + a + " is not an audio token");
                    }
                    out.add(a);
                }
            }
            case VIDEO_TO_AUDIO -> {
                requireFrames(task, videoIds, 1);
                for (int[] frame : videoIds) {
                    addVideo(out, frame);
                }
                out.add(vocab.id(Special.EOV));
                out.add(vocab.id(Special.BOA));
            }
        }
        return out.toArray();
    }

    private void addVideo(IntList out, int[] frame) {
        if (frame == null || frame.length != videoTokensPerFrame()) {
            throw new IllegalArgumentException("a conditioning frame takes " + videoTokensPerFrame() + " video ids, got "
                    + (frame == null ? "null" : frame.length));
        }
        for (int id : frame) {
            if (!vocab.isVideo(id)) {
                throw new IllegalArgumentException("conditioning id " + id + " is not a video token");
            }
            out.add(id);
        }
    }

    private static void requireFrames(Task task, List<int[]> frames, int min) {
        if (frames == null || frames.size() < min) {
            throw new IllegalArgumentException(task + " needs at least " + min + " conditioning frame(s), got "
                    + (frames == null ? 0 : frames.size()));
        }
    }

    /** Video ids of output frame f within a generated stream of a video task. */
    public int[] videoOfFrame(Task task, int[] generated, int f) {
        if (task == Task.VIDEO_TO_AUDIO) {
            throw new IllegalArgumentException("VIDEO_TO_AUDIO generates no video");
        }
        int from = f * generatedTokensPerFrame(task);
        return java.util.Arrays.copyOfRange(generated, from, from + videoTokensPerFrame());
    }

    /** Audio ids of every complete frame of a generated stream, in frame order. */
    public int[] audioOf(Task task, int[] generated) {
        int per = generatedTokensPerFrame(task);
        int frames = generated.length / per;
        int[] out = new int[frames];
        for (int f = 0; f < frames; f++) {
            out[f] = generated[f * per + per - 1];
        }
        return out;
    }

    /** A growable int array. */
    static final class IntList {
        private int[] a = new int[64];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, 2 * n);
            }
            a[n++] = v;
        }

        void addAll(int[] vs) {
            for (int v : vs) {
                add(v);
            }
        }

        int size() {
            return n;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
