package io.tessera.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

/**
 * Completes Avro JSON before decoding: Avro's JSON decoder insists on every field, even those with a default, so
 * here missing fields that have a default get it, and a missing field without one is reported by its path.
 */
final class JsonDefaults {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonDefaults() {}

  /** Thrown for a field that is absent and has no default; carries the field's dotted path. */
  static final class MissingField extends Exception {
    private static final long serialVersionUID = 1L;
    final String path;

    MissingField(String path) {
      super("missing required field " + path, null, false, false);
      this.path = path;
    }
  }

  /** Fills defaults into {@code node} (in place) wherever {@code schema} says a record field has one. */
  static void fill(Schema schema, JsonNode node, String path) throws MissingField {
    switch (schema.getType()) {
      case RECORD -> {
        if (!(node instanceof ObjectNode obj)) {
          return;   // Avro's decoder reports the type mismatch.
        }
        for (Schema.Field f : schema.getFields()) {
          String at = path + "." + f.name();
          JsonNode child = obj.get(f.name());
          if (child == null) {
            if (!f.hasDefaultValue()) {
              throw new MissingField(at);
            }
            obj.set(f.name(), defaultJson(f));
          } else {
            fill(f.schema(), child, at);
          }
        }
      }
      case UNION -> {
        if (node instanceof ObjectNode obj && obj.size() == 1) {
          Map.Entry<String, JsonNode> e = obj.fields().next();
          for (Schema branch : schema.getTypes()) {
            if (branch.getFullName().equals(e.getKey()) || branch.getName().equals(e.getKey())) {
              fill(branch, e.getValue(), path);
            }
          }
        }
      }
      case ARRAY -> {
        if (node instanceof ArrayNode arr) {
          for (int i = 0; i < arr.size(); i++) {
            fill(schema.getElementType(), arr.get(i), path + "[" + i + "]");
          }
        }
      }
      case MAP -> {
        if (node instanceof ObjectNode obj) {
          for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            fill(schema.getValueType(), e.getValue(), path + "[" + e.getKey() + "]");
          }
        }
      }
      default -> {
        // Primitives, enums and fixed have nothing to fill.
      }
    }
  }

  /**
   * A field's default in Avro's JSON encoding. Schema defaults are written like JSON-encoded values except that a
   * union's default is the bare value of its first branch, which the JSON encoding wraps as {"type": value}.
   */
  private static JsonNode defaultJson(Schema.Field f) {
    Object v = f.defaultVal();
    JsonNode bare = v == JsonProperties.NULL_VALUE || v == null ? NullNode.getInstance() : MAPPER.valueToTree(
        v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.ISO_8859_1) : v);
    Schema s = f.schema();
    if (s.getType() == Schema.Type.UNION && !bare.isNull()) {
      ObjectNode wrapped = MAPPER.createObjectNode();
      wrapped.set(s.getTypes().get(0).getFullName(), bare);
      return wrapped;
    }
    return bare;
  }
}
