package io.tessera.jobs.condition;

/**
 * One decoded conditioning chunk in the assembler's keyed state: a frame's pixels or a span of audio, and a
 * digest of the chunk's original bytes (a repeat with the same digest is a duplicate and is dropped; another
 * digest at the same index is a conflict). A Flink POJO.
 */
public class MediaPart {

    /** First 8 bytes of the SHA-256 of the chunk's data. */
    public long digest;
    /** Frame: FRAME_SIDE * FRAME_SIDE pixels 0xRRGGBB; empty for audio. */
    public int[] pixels = new int[0];
    /** Audio: 16 kHz mono samples; empty for a frame. */
    public float[] samples = new float[0];

    public MediaPart() {}

    static MediaPart frame(long digest, int[] pixels) {
        MediaPart p = new MediaPart();
        p.digest = digest;
        p.pixels = pixels;
        return p;
    }

    static MediaPart audio(long digest, float[] samples) {
        MediaPart p = new MediaPart();
        p.digest = digest;
        p.samples = samples;
        return p;
    }
}
