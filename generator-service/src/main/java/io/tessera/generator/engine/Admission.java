package io.tessera.generator.engine;

/** The answer to {@link GenerationEngine#submit}: the engine is bounded and says so instead of growing. */
public enum Admission {
    ACCEPTED,
    /** Queue and batch are at capacity; try again after a {@link GenerationEngine#step()}. */
    FULL
}
