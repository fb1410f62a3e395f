package io.tessera.generator.model;

/** Tiny configs so model tests run in milliseconds. */
public final class TinyModels {
    private TinyModels() {}

    /** vocab 300, d 32, 2 layers, 4 heads (head size 8), SwiGLU 64, 96 positions, no end-of-sequence id. */
    public static final ModelConfig TINY = new ModelConfig(300, 32, 2, 4, 64, 96, 10_000f, -1);
}
