package io.tessera.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One HTTP exchange as the handlers see it: the path parameters, a size-bounded body, JSON answers. */
final class HttpCall {

    private final HttpExchange exchange;
    private final List<String> pathParams;
    private final String tenant;

    HttpCall(HttpExchange exchange, List<String> pathParams, String tenant) {
        this.exchange = exchange;
        this.pathParams = pathParams;
        this.tenant = tenant;
    }

    HttpCall(HttpExchange exchange, List<String> pathParams) {
        this(exchange, pathParams, null);
    }

    /** The caller's tenant, from its API key (never from the body); null on routes that need no key. */
    String tenant() {
        return tenant;
    }

    /** The caller's tenant on a route that needs a key. */
    String requireTenant() {
        if (tenant == null) {
            throw new IllegalStateException("route needs an authenticated tenant");
        }
        return tenant;
    }

    HttpExchange exchange() {
        return exchange;
    }

    String pathParam(int i) {
        return pathParams.get(i);
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /**
     * The request body, at most {@code maxBytes}; a larger one (declared or actual) is a 413. The excess of a
     * too-large body is read and discarded (up to {@link #DRAIN_LIMIT}) so the client, still sending, receives the
     * 413 instead of a connection reset; the connection is then closed.
     */
    byte[] body(int maxBytes) throws IOException {
        String declared = header("Content-Length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length is not a number: " + declared);
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            if (length > maxBytes) {
                throw tooLarge(in, 0, maxBytes);
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[16 * 1024];
            int n;
            while ((n = in.read(chunk)) != -1) {
                if (buf.size() + n > maxBytes) {
                    throw tooLarge(in, buf.size() + n, maxBytes);
                }
                buf.write(chunk, 0, n);
            }
            return buf.toByteArray();
        }
    }

    /** Bytes of a too-large body the gateway reads and throws away before answering 413. */
    static final long DRAIN_LIMIT = 64L << 20;

    private ApiException tooLarge(InputStream in, long alreadyRead, int maxBytes) throws IOException {
        long read = alreadyRead;
        byte[] sink = new byte[64 * 1024];
        int n;
        while (read < DRAIN_LIMIT && (n = in.read(sink)) != -1) {
            read += n;
        }
        exchange.getResponseHeaders().set("Connection", "close");
        return new ApiException(413, "request body is larger than the limit of " + maxBytes + " bytes", null);
    }

    void sendJson(int status, JsonNode body) throws IOException {
        send(status, "application/json", Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    void send(int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }
}
