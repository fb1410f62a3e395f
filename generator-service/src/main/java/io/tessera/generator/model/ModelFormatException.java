package io.tessera.generator.model;

/** Weights or their config on disk or in a payload do not match what was expected (checksum, config, shapes). */
public final class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
