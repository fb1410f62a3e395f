package io.tessera.schemas;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/** Finds which field of a record does not fit its schema, to name it in an encoding error. */
final class RecordValidator {

  private RecordValidator() {}

  /** Dotted path of the first field whose value does not match its schema, or null if all do. */
  static String firstInvalidField(Schema schema, Object value) {
    return check(schema, value, schema.getName());
  }

  private static String check(Schema schema, Object value, String path) {
    switch (schema.getType()) {
      case RECORD -> {
        if (!(value instanceof IndexedRecord rec)) {
          return path;
        }
        for (Schema.Field f : schema.getFields()) {
          String bad = check(f.schema(), rec.get(f.pos()), path + "." + f.name());
          if (bad != null) {
            return bad;
          }
        }
        return null;
      }
      case UNION -> {
        for (Schema branch : schema.getTypes()) {
          if (check(branch, value, path) == null) {
            return null;
          }
        }
        return path;
      }
      case ARRAY -> {
        if (!(value instanceof Collection<?> c)) {
          return path;
        }
        int i = 0;
        for (Object item : c) {
          String bad = check(schema.getElementType(), item, path + "[" + i++ + "]");
          if (bad != null) {
            return bad;
          }
        }
        return null;
      }
      case MAP -> {
        if (!(value instanceof Map<?, ?> m)) {
          return path;
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (e.getKey() == null) {
            return path + "[null key]";
          }
          String bad = check(schema.getValueType(), e.getValue(), path + "[" + e.getKey() + "]");
          if (bad != null) {
            return bad;
          }
        }
        return null;
      }
      case NULL -> {
        return value == null ? null : path;
      }
      case STRING -> {
        return value instanceof CharSequence ? null : path;
      }
      case BYTES -> {
        return value instanceof ByteBuffer ? null : path;
      }
      case ENUM -> {
        return value instanceof Enum<?> || value instanceof GenericData.EnumSymbol ? null : path;
      }
      case FIXED -> {
        return value instanceof GenericData.Fixed ? null : path;
      }
      case INT -> {
        return value instanceof Integer ? null : path;
      }
      case LONG -> {
        return value instanceof Long ? null : path;
      }
      case FLOAT -> {
        return value instanceof Float ? null : path;
      }
      case DOUBLE -> {
        return value instanceof Double ? null : path;
      }
      case BOOLEAN -> {
        return value instanceof Boolean ? null : path;
      }
      default -> {
        return null;
      }
    }
  }
}
