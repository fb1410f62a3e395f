package io.tessera.jobs.condition;

/** A conditioning media chunk that cannot be used: not an image or WAV, too large, or of the wrong kind. */
public final class MalformedMediaException extends RuntimeException {

    public MalformedMediaException(String message) {
        super(message);
    }

    public MalformedMediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
