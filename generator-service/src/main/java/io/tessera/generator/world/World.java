package io.tessera.generator.world;

/** The fixed constants of the procedural world: canvas, frame rate, audio rate, object size. */
public final class World {
    /** Frames are {@code SIZE x SIZE} RGB. */
    public static final int SIZE = 64;
    public static final int FPS = 8;
    public static final int SAMPLE_RATE = 16_000;
    /** Audio samples that belong to one frame: {@code SAMPLE_RATE / FPS}. */
    public static final int SAMPLES_PER_FRAME = SAMPLE_RATE / FPS;
    public static final int DEFAULT_FRAMES = 16;
    /** Every object fits a {@code OBJECT_SIZE x OBJECT_SIZE} box. */
    public static final int OBJECT_SIZE = 16;
    /** Largest top-left coordinate of an object box; objects bounce between 0 and this. */
    public static final int MAX_POS = SIZE - OBJECT_SIZE;
    /** Object positions and speeds are multiples of this many pixels (see README: tokenizer budget). */
    public static final int GRID = 4;
    /** Two objects' boxes always stay at least this many pixels apart (no occlusion). */
    public static final int GAP = 2;
    /** Speeds in pixels per frame. */
    public static final int[] SPEEDS = {4};
    /** Steps at the start of a clip before any bounce may happen, so the prompt's direction is visible. */
    public static final int FREE_STEPS = 3;
    /** Tone amplitude of one object; a click's peak amplitude. */
    public static final float TONE_AMPLITUDE = 0.2f;
    public static final float CLICK_AMPLITUDE = 0.5f;
    /** A click lasts this many samples from the first sample of its frame (10 ms). */
    public static final int CLICK_SAMPLES = 160;

    private World() {}
}
