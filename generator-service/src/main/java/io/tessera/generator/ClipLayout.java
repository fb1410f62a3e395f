package io.tessera.generator;

import io.tessera.records.Task;

/** How generated tokens group into frames: the contract decoders and jobs use to cut a token stream. */
public interface ClipLayout {

    /** Video tokens that encode one 64x64 frame. */
    int videoTokensPerFrame();

    /** Audio tokens that encode the audio of one frame (1/fps seconds). */
    int audioTokensPerFrame();

    /** Tokens the model emits per output frame for the task (video and/or audio, in stream order). */
    int generatedTokensPerFrame(Task task);

    boolean isVideoToken(int id);

    boolean isAudioToken(int id);

    /** 16000. */
    int audioSampleRate();

    /** 8. */
    int framesPerSecond();
}
