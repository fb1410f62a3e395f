package io.tessera.reward.http;

/** A request the service refuses: the HTTP status and the reason sent back as {@code {"error": ...}}. */
final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    BadRequest(int status, String reason) {
        super(reason);
        this.status = status;
    }

    static BadRequest of(String reason) {
        return new BadRequest(400, reason);
    }
}
