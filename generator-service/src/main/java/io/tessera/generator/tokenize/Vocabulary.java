package io.tessera.generator.tokenize;

import io.tessera.records.Task;

/**
 * One id space for every modality, in this order:
 * <pre>
 *   [0, 256)                          text: UTF-8 bytes
 *   [videoBase, videoBase + video)    video codes ({@link VideoTokenizer})
 *   [audioBase, audioBase + audio)    audio codes ({@link AudioTokenizer})
 *   [specialBase, size)               {@link Special} tokens, in declaration order
 * </pre>
 *
 * @param videoCodes size of the video codebook
 * @param audioCodes size of the audio codebook
 */
public record Vocabulary(int videoCodes, int audioCodes) {
    public static final int BYTES = 256;

    public Vocabulary {
        if (videoCodes < 1 || audioCodes < 1) {
            throw new IllegalArgumentException("codebooks must be non-empty: video " + videoCodes + ", audio " + audioCodes);
        }
    }

    public int videoBase() {
        return BYTES;
    }

    public int audioBase() {
        return BYTES + videoCodes;
    }

    public int specialBase() {
        return audioBase() + audioCodes;
    }

    public int size() {
        return specialBase() + Special.values().length;
    }

    public int id(Special s) {
        return specialBase() + s.ordinal();
    }

    public int video(int code) {
        if (code < 0 || code >= videoCodes) {
            throw new IllegalArgumentException("video code " + code + " outside [0, " + videoCodes + ")");
        }
        return videoBase() + code;
    }

    public int audio(int code) {
        if (code < 0 || code >= audioCodes) {
            throw new IllegalArgumentException("audio code " + code + " outside [0, " + audioCodes + ")");
        }
        return audioBase() + code;
    }

    public boolean isText(int id) {
        return id >= 0 && id < BYTES;
    }

    public boolean isVideo(int id) {
        return id >= videoBase() && id < audioBase();
    }

    public boolean isAudio(int id) {
        return id >= audioBase() && id < specialBase();
    }

    public boolean isSpecial(int id) {
        return id >= specialBase() && id < size();
    }

    /** Video id back to its code; throws for any other id. */
    public int videoCode(int id) {
        if (!isVideo(id)) {
            throw new IllegalArgumentException("id " + id + " is not a video token [" + videoBase() + ", " + audioBase() + ")");
        }
        return id - videoBase();
    }

    public int audioCode(int id) {
        if (!isAudio(id)) {
            throw new IllegalArgumentException("id " + id + " is not an audio token [" + audioBase() + ", " + specialBase() + ")");
        }
        return id - audioBase();
    }

    public int task(Task task) {
        return id(switch (task) {
            case TEXT_TO_VIDEO -> Special.TASK_TEXT_TO_VIDEO;
            case IMAGE_TO_VIDEO -> Special.TASK_IMAGE_TO_VIDEO;
            case VIDEO_CONTINUATION -> Special.TASK_VIDEO_CONTINUATION;
            case VIDEO_TO_AUDIO -> Special.TASK_VIDEO_TO_AUDIO;
        });
    }

    /** A readable name for any id: {@code b65}, {@code v12}, {@code a3}, {@code <BOS>}. */
    public String describe(int id) {
        if (isText(id)) {
            return "b" + id;
        }
        if (isVideo(id)) {
            return "v" + videoCode(id);
        }
        if (isAudio(id)) {
            return "a" + audioCode(id);
        }
        if (isSpecial(id)) {
            return "<" + Special.values()[id - specialBase()] + ">";
        }
        return "?" + id;
    }
}
