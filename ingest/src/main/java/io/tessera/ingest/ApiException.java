package io.tessera.ingest;

/**
 * A request the gateway refuses, with the HTTP status to answer and, for a bad field, the field's JSON path
 * (e.g. {@code sampling.topP}). The router turns it into {@code {"error": message, "field": field}}.
 */
final class ApiException extends RuntimeException {

    private final int status;
    private final String field;
    private final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();

    ApiException(int status, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    /** 400 naming the field; the message should say the limit. */
    static ApiException badField(String field, String message) {
        return new ApiException(400, message, field);
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message, null);
    }

    /** A response header to send with the error (e.g. {@code Retry-After}, {@code WWW-Authenticate}). */
    ApiException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** An extra member of the JSON error body (e.g. {@code reason}, {@code limit}). */
    ApiException detail(String name, Object value) {
        details.put(name, value);
        return this;
    }

    java.util.Map<String, String> headers() {
        return headers;
    }

    java.util.Map<String, Object> details() {
        return details;
    }

    int status() {
        return status;
    }

    /** The JSON path of the offending field, or null. */
    String field() {
        return field;
    }
}
