package io.tessera.jobs.decode;

/**
 * Keyed state of one sample in the DecodeJob: where the ordered token stream stands and what is buffered
 * towards the next frame and the next audio chunk. A Flink POJO (public fields), so it is stored with
 * Flink's POJO serializer, never Kryo.
 */
public class DecodeProgress {

    /** The next chunk seq to apply; smaller ones are repeats. */
    public int nextSeq;
    /** Tokens applied so far; the next chunk's firstPosition must equal it. */
    public int tokensSeen;
    /** Tokens of the frame being filled. */
    public int[] frameTokens = new int[0];
    /** Frames completed (the next frame's index). */
    public int framesDone;
    /** Audio tokens gathered for the next AUDIO chunk. */
    public int[] audioTokens = new int[0];
    /** Frames whose audio is in {@link #audioTokens}. */
    public int audioFrames;
    /** AUDIO chunks emitted (the next one's index). */
    public int audioChunks;
    /** Media chunks emitted for this sample. */
    public int mediaEmitted;
    /** The processing-time timer now registered for this sample, 0 if none. */
    public long timer;
    /** The final chunk was applied: only a marker to drop late repeats remains until the timer fires. */
    public boolean done;

    public DecodeProgress() {}
}
