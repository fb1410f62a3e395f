package io.tessera.generator.tokenize;

/** Special tokens of the shared vocabulary, in id order after the audio codes. */
public enum Special {
    PAD,
    BOS,
    EOS,
    TASK_TEXT_TO_VIDEO,
    TASK_IMAGE_TO_VIDEO,
    TASK_VIDEO_CONTINUATION,
    TASK_VIDEO_TO_AUDIO,
    /** Begin / end of text. */
    BOT,
    EOT,
    /** Begin / end of video (frames of video and audio tokens follow BOV). */
    BOV,
    EOV,
    /** Begin / end of an audio-only stream (video-to-audio). */
    BOA,
    EOA
}
