package io.tessera.generator.engine;

/** Why a sample left the engine. Mirrors {@code io.tessera.records.FinishReason}. */
public enum FinishReason {
    /** Reached {@code maxNewTokens}. */
    LENGTH,
    /** Sampled the end-of-sequence token. */
    END_OF_SEQUENCE,
    /** {@link GenerationEngine#cancel(String)} was called. */
    CANCELLED,
    /** The model failed on this sample. */
    ERROR
}
