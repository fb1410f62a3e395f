package io.tessera.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** The one Jackson mapper of the gateway: strict parsing (no trailing tokens, no duplicate keys). */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses a request body; anything that is not one JSON object is a 400. */
    static ObjectNode parseObject(byte[] body, String what) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest(what + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest(what + " could not be read: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw ApiException.badRequest(what + " is empty; expected a JSON object");
        }
        if (!node.isObject()) {
            throw ApiException.badRequest(what + " must be a JSON object, got " + node.getNodeType());
        }
        return (ObjectNode) node;
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }

    static ObjectNode error(String message, String field) {
        ObjectNode n = object().put("error", message);
        if (field != null) {
            n.put("field", field);
        }
        return n;
    }
}
