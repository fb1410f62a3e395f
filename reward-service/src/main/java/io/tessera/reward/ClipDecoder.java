package io.tessera.reward;

import io.tessera.generator.SequenceLayout;
import io.tessera.generator.tokenize.Special;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.generator.tokenize.Vocabulary;
import io.tessera.records.Task;
import io.tessera.reward.score.ScoringException;
import io.tessera.reward.score.ScoringInput;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A generated token stream back to what scorers see, checking every token against the task's layout
 * first (an undecodable stream is a {@link ScoringException} naming the position and the token).
 * Video tasks: every complete frame unit of the generated tokens (a trailing partial frame is ignored);
 * video-to-audio: the generated audio over the conditioning frames read back from the prefix. Needs
 * only the tokenizers, not the policy.
 */
public final class ClipDecoder {
    private final Tokenizers tokenizers;
    private final SequenceLayout layout;
    private final Vocabulary vocab;

    public ClipDecoder(Tokenizers tokenizers) {
        this.tokenizers = Objects.requireNonNull(tokenizers, "tokenizers");
        this.vocab = tokenizers.vocabulary();
        this.layout = new SequenceLayout(vocab);
    }

    public Tokenizers tokenizers() {
        return tokenizers;
    }

    /**
     * @param prefix    the prefix the model saw (needed for video-to-audio, may be null otherwise)
     * @param generated the generated tokens
     */
    public ScoringInput decode(Task task, String prompt, int[] prefix, int[] generated) {
        Objects.requireNonNull(task, "task");
        if (generated == null || generated.length == 0) {
            throw new ScoringException("no generated tokens to score");
        }
        if (task == Task.VIDEO_TO_AUDIO) {
            return decodeAudioTask(prompt, prefix, generated);
        }
        int per = layout.generatedTokensPerFrame(task);
        int frames = generated.length / per;
        if (frames == 0) {
            throw new ScoringException(generated.length + " generated token(s) are less than one frame (" + per
                    + " tokens for " + task + ")");
        }
        int video = layout.videoTokensPerFrame();
        for (int p = 0; p < frames * per; p++) {
            int id = generated[p];
            boolean videoSlot = p % per < video;
            if (videoSlot ? !vocab.isVideo(id) : !vocab.isAudio(id)) {
                throw new ScoringException("token " + p + " is " + describe(id) + " where the " + task + " layout has "
                        + (videoSlot ? "a video" : "an audio") + " token");
            }
        }
        int[] complete = Arrays.copyOf(generated, frames * per);
        List<BufferedImage> images = new ArrayList<>(frames);
        for (int f = 0; f < frames; f++) {
            images.add(tokenizers.decodeFrame(layout.videoOfFrame(task, complete, f)));
        }
        float[] audio = tokenizers.decodeAudio(layout.audioOf(task, complete));
        return ScoringInput.of(task, prompt, images, audio);
    }

    private ScoringInput decodeAudioTask(String prompt, int[] prefix, int[] generated) {
        for (int p = 0; p < generated.length; p++) {
            if (!vocab.isAudio(generated[p])) {
                throw new ScoringException("token " + p + " is " + describe(generated[p])
                        + " where the VIDEO_TO_AUDIO layout has an audio token");
            }
        }
        List<BufferedImage> images = framesOfPrefix(prefix);
        if (images.isEmpty()) {
            throw new ScoringException("VIDEO_TO_AUDIO needs the conditioning frames: the prefix holds none");
        }
        int n = Math.min(images.size(), generated.length);
        float[] audio = tokenizers.decodeAudio(Arrays.copyOf(generated, n));
        return ScoringInput.of(Task.VIDEO_TO_AUDIO, prompt, images.subList(0, n), audio);
    }

    /** The conditioning frames of a video-to-audio prefix: groups of video tokens after BOV, up to EOV. */
    List<BufferedImage> framesOfPrefix(int[] prefix) {
        List<BufferedImage> out = new ArrayList<>();
        if (prefix == null) {
            return out;
        }
        int bov = vocab.id(Special.BOV);
        int eov = vocab.id(Special.EOV);
        int start = -1;
        for (int i = 0; i < prefix.length; i++) {
            if (prefix[i] == bov) {
                start = i + 1;
                break;
            }
        }
        if (start < 0) {
            return out;
        }
        int video = layout.videoTokensPerFrame();
        int i = start;
        while (i + video <= prefix.length && prefix[i] != eov) {
            int[] frame = Arrays.copyOfRange(prefix, i, i + video);
            for (int id : frame) {
                if (!vocab.isVideo(id)) {
                    throw new ScoringException("prefix token " + i + " is " + describe(id)
                            + " inside a conditioning frame");
                }
            }
            out.add(tokenizers.decodeFrame(frame));
            i += video;
        }
        return out;
    }

    private String describe(int id) {
        return id >= 0 && id < vocab.size() ? id + " (" + vocab.describe(id) + ")" : id + " (outside the vocabulary of "
                + vocab.size() + ")";
    }

}
