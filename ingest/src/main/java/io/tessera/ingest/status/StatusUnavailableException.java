package io.tessera.ingest.status;

/**
 * The status store cannot answer now: the app is not (yet, or no longer) RUNNING, e.g. while it restores its
 * stores after a restart or rebalances. The gateway answers 503 with {@code Retry-After}.
 */
public final class StatusUnavailableException extends RuntimeException {
    public StatusUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
