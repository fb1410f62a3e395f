package io.tessera.reward.score;

/** The input cannot be scored: the message says what is wrong with it (shown to callers as a 400 or a DLQ reason). */
public class ScoringException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScoringException(String message) {
        super(message);
    }

    public ScoringException(String message, Throwable cause) {
        super(message, cause);
    }
}
