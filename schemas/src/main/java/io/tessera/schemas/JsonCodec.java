package io.tessera.schemas;

import io.tessera.schemas.RecordDecodingException.Problem;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonDecoder;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The JSON view of a record: Avro's JSON encoding with the current schema (unions as {@code {"long": 5}}, bytes as
 * ISO-8859-1 strings). Meant for people and plain clients; the wire format between services stays
 * {@link RecordCodec}. Errors are {@link RecordDecodingException} / {@link RecordEncodingException}. Thread-safe.
 */
public final class JsonCodec<T extends SpecificRecord> {

  private static final Map<Class<?>, JsonCodec<?>> CODECS = new ConcurrentHashMap<>();

  private final Schema schema;
  private final SpecificDatumWriter<T> writer;
  private final SpecificDatumReader<T> reader;

  private JsonCodec(Class<T> type) {
    Objects.requireNonNull(type, "type");
    SpecificData model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.writer = new SpecificDatumWriter<>(schema, model);
    this.reader = new SpecificDatumReader<>(schema, schema, model);
  }

  /** The JSON codec of a generated record class (cached). */
  @SuppressWarnings("unchecked")
  public static <T extends SpecificRecord> JsonCodec<T> of(Class<T> type) {
    return (JsonCodec<T>) CODECS.computeIfAbsent(type, t -> new JsonCodec<>(type));
  }

  public Schema schema() {
    return schema;
  }

  /** One-line JSON of a record. */
  public String toJson(T record) {
    return toJson(record, false);
  }

  /** JSON of a record, indented when {@code pretty}. */
  public String toJson(T record, boolean pretty) {
    if (record == null) {
      throw new RecordEncodingException(null, "cannot encode a null " + schema.getName() + " as JSON", null);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try {
      JsonEncoder enc = EncoderFactory.get().jsonEncoder(schema, out, pretty);
      writer.write(record, enc);
      enc.flush();
    } catch (IOException | RuntimeException e) {
      throw RecordCodec.encodingFailure(schema, record, e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Parses Avro JSON of this record type. Fields with a schema default may be left out (they get the default); a
   * missing field without one is a {@link Problem#CORRUPT_BODY} naming it. Unknown fields are ignored.
   */
  public T fromJson(String json) {
    if (json == null || json.isBlank()) {
      throw new RecordDecodingException(Problem.NULL_OR_EMPTY,
          "no JSON to decode as " + schema.getFullName() + " (" + (json == null ? "null" : "blank") + ")");
    }
    JsonNode tree;
    try {
      tree = JsonDefaults.MAPPER.readTree(json);
    } catch (JsonEOFException e) {
      throw new RecordDecodingException(Problem.TRUNCATED,
          "the JSON of " + schema.getName() + " ends early: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new RecordDecodingException(Problem.CORRUPT_BODY,
          "not valid JSON for " + schema.getName() + ": " + (e instanceof JsonProcessingException p
              ? p.getOriginalMessage() : e.getMessage()), e);
    }
    if (!tree.isObject()) {
      throw new RecordDecodingException(Problem.CORRUPT_BODY,
          "the JSON of a " + schema.getName() + " must be an object, got " + tree.getNodeType());
    }
    try {
      JsonDefaults.fill(schema, tree, schema.getName());
    } catch (JsonDefaults.MissingField e) {
      throw new RecordDecodingException(Problem.CORRUPT_BODY,
          "the JSON does not match " + schema.getName() + ": " + e.getMessage(), e);
    }
    try {
      JsonDecoder dec = DecoderFactory.get().jsonDecoder(schema, tree.toString());
      return reader.read(null, dec);
    } catch (EOFException e) {
      throw new RecordDecodingException(Problem.TRUNCATED,
          "the JSON of " + schema.getName() + " ends early: " + RecordCodec.describe(e), e);
    } catch (AvroTypeException e) {
      throw new RecordDecodingException(Problem.CORRUPT_BODY,
          "the JSON does not match " + schema.getName() + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new RecordDecodingException(Problem.CORRUPT_BODY,
          "not valid JSON of " + schema.getName() + ": " + RecordCodec.describe(e), e);
    }
  }
}
