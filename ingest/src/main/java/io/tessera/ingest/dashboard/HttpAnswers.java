package io.tessera.ingest.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** JSON answers in the gateway's shape: a body, or {@code {"error": message, "field": field}} with a status. */
final class HttpAnswers {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HttpAnswers() {}

    static void json(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        exchange.close();
    }

    /** An error answer; {@code field} (the offending parameter) may be null. */
    static void error(HttpExchange exchange, int status, String message, String field) throws IOException {
        ObjectNode body = MAPPER.createObjectNode().put("error", message);
        if (field != null) {
            body.put("field", field);
        }
        try {
            json(exchange, status, MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an error body", e);
        }
    }
}
