package io.tessera.schemas;

import io.tessera.schemas.RecordDecodingException.Problem;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding of one record type: {@code C3 01}, the writer schema's 8-byte little-endian
 * CRC-64-AVRO fingerprint, then the binary body. Decoding looks the fingerprint up in a {@link SchemaStore} and
 * resolves the writer schema against the current class's schema, so records of older and (registered) newer
 * producers both read. Every failure is a {@link RecordDecodingException} or {@link RecordEncodingException}.
 * Thread-safe.
 */
public final class RecordCodec<T extends SpecificRecord> {

  /** The two marker bytes that open every single-object encoded record. */
  static final byte MAGIC_0 = (byte) 0xC3;
  static final byte MAGIC_1 = (byte) 0x01;
  /** Marker plus fingerprint. */
  public static final int HEADER_LENGTH = 10;

  private static final Map<Class<?>, RecordCodec<?>> DEFAULT_CODECS = new ConcurrentHashMap<>();

  private final Class<T> type;
  private final Schema schema;
  private final SpecificData model;
  /** The class's model without its generated custom decoders, which would bypass {@link BoundedDatumReader}. */
  private final SpecificData readModel;
  private final SchemaStore store;
  private final byte[] header;
  private final SpecificDatumWriter<T> writer;
  /** Readers per writer fingerprint (resolution is computed once per writer schema). */
  private final Map<Long, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

  private RecordCodec(Class<T> type, SchemaStore store) {
    this.type = Objects.requireNonNull(type, "type");
    this.store = Objects.requireNonNull(store, "store");
    this.model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    if (schema.getType() != Schema.Type.RECORD) {
      throw new IllegalArgumentException(type.getName() + " is not an Avro record class");
    }
    store.register(schema);
    this.header = header(SchemaStore.fingerprint(schema));
    this.writer = new SpecificDatumWriter<>(schema, model);
    this.readModel = BoundedDatumReader.model(type, model);
  }

  /** The codec of a generated record class with the process-wide {@link SchemaStore#defaults()} (cached). */
  @SuppressWarnings("unchecked")
  public static <T extends SpecificRecord> RecordCodec<T> of(Class<T> type) {
    return (RecordCodec<T>) DEFAULT_CODECS.computeIfAbsent(type, t -> new RecordCodec<>(type, SchemaStore.defaults()));
  }

  /** A codec with its own store (tests, or a consumer that was taught extra schemas). */
  public static <T extends SpecificRecord> RecordCodec<T> of(Class<T> type, SchemaStore store) {
    return new RecordCodec<>(type, store);
  }

  public Class<T> type() {
    return type;
  }

  /** The current (reader and writer) schema of {@link #type()}. */
  public Schema schema() {
    return schema;
  }

  public SchemaStore store() {
    return store;
  }

  /** The fingerprint this codec writes. */
  public long fingerprint() {
    return SchemaStore.fingerprint(schema);
  }

  /** Encodes a record with the current schema. */
  public byte[] encode(T record) {
    if (record == null) {
      throw new RecordEncodingException(null, "cannot encode a null " + schema.getName(), null);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(header);
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    try {
      writer.write(record, enc);
      enc.flush();
    } catch (IOException | RuntimeException e) {
      throw encodingFailure(schema, record, e);
    }
    return out.toByteArray();
  }

  /** Decodes single-object bytes written with any known version of this record's schema. */
  public T decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new RecordDecodingException(Problem.NULL_OR_EMPTY,
          "no bytes to decode as " + schema.getFullName() + " (" + (bytes == null ? "null" : "empty") + ")");
    }
    if (bytes[0] != MAGIC_0 || (bytes.length > 1 && bytes[1] != MAGIC_1)) {
      throw new RecordDecodingException(Problem.NOT_SINGLE_OBJECT, String.format(
          "expected an Avro single-object record (C3 01 ...) of %s but the input starts with %s (%d bytes)",
          schema.getFullName(), hexPrefix(bytes, 4), bytes.length));
    }
    if (bytes.length < HEADER_LENGTH) {
      throw new RecordDecodingException(Problem.TRUNCATED, String.format(
          "%d bytes end inside the %d-byte single-object header of %s", bytes.length, HEADER_LENGTH,
          schema.getFullName()));
    }
    long fp = readFingerprint(bytes);
    SpecificDatumReader<T> reader = readers.get(fp);
    if (reader == null) {
      reader = newReader(fp);
    }
    BoundedBinaryDecoder dec = new BoundedBinaryDecoder(
        DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null));
    T value;
    try {
      value = reader.read(null, dec);
    } catch (EOFException e) {
      throw new RecordDecodingException(Problem.TRUNCATED, String.format(
          "the body of %s (writer fingerprint %s) ends early after %d bytes", schema.getFullName(), hex(fp),
          bytes.length), e);
    } catch (IOException | RuntimeException e) {
      // Garbage after a valid header: negative lengths, bad union or enum indexes, absurd sizes, ...
      throw new RecordDecodingException(Problem.CORRUPT_BODY, String.format(
          "the body of %s (writer fingerprint %s) does not decode: %s", schema.getFullName(), hex(fp),
          describe(e)), e);
    }
    boolean atEnd;
    try {
      atEnd = dec.isEnd();
    } catch (IOException e) {
      atEnd = true;
    }
    if (!atEnd) {
      throw new RecordDecodingException(Problem.CORRUPT_BODY, String.format(
          "unexpected bytes after the end of %s (writer fingerprint %s, %d bytes in all)", schema.getFullName(),
          hex(fp), bytes.length));
    }
    return value;
  }

  private SpecificDatumReader<T> newReader(long fp) {
    Schema writerSchema = store.findByFingerprint(fp);
    if (writerSchema == null) {
      throw new RecordDecodingException(Problem.UNKNOWN_FINGERPRINT, String.format(
          "unknown writer schema fingerprint %s: expected a %s schema (current %s); register the producer's"
              + " schema with SchemaStore.registerFrom(dir)", hex(fp), schema.getFullName(), hex(fingerprint())));
    }
    if (!sameRecord(writerSchema, schema)) {
      throw new RecordDecodingException(Problem.WRONG_RECORD_TYPE, String.format(
          "the bytes hold a %s (fingerprint %s), expected a %s", writerSchema.getFullName(), hex(fp),
          schema.getFullName()));
    }
    SpecificDatumReader<T> reader = new BoundedDatumReader<>(writerSchema, schema, readModel);
    readers.putIfAbsent(fp, reader);
    return reader;
  }

  private static boolean sameRecord(Schema writerSchema, Schema readerSchema) {
    return writerSchema.getType() == Schema.Type.RECORD
        && (writerSchema.getFullName().equals(readerSchema.getFullName())
            || readerSchema.getAliases().contains(writerSchema.getFullName()));
  }

  static byte[] header(long fingerprint) {
    byte[] h = new byte[HEADER_LENGTH];
    h[0] = MAGIC_0;
    h[1] = MAGIC_1;
    for (int i = 0; i < 8; i++) {
      h[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    return h;
  }

  static long readFingerprint(byte[] bytes) {
    long fp = 0;
    for (int i = 0; i < 8; i++) {
      fp |= (bytes[2 + i] & 0xFFL) << (8 * i);
    }
    return fp;
  }

  /** Fingerprint as Avro tools print it: 16 hex digits of the unsigned 64-bit value. */
  public static String hex(long fingerprint) {
    return String.format("0x%016x", fingerprint);
  }

  private static String hexPrefix(byte[] b, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(n, b.length); i++) {
      sb.append(i == 0 ? "" : " ").append(String.format("%02X", b[i]));
    }
    return sb.append(b.length > n ? " ..." : "").toString();
  }

  static String describe(Throwable e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /** Wraps a writer failure, naming the first required field that is null or of the wrong type. */
  static RecordEncodingException encodingFailure(Schema schema, Object record, Throwable e) {
    String field = RecordValidator.firstInvalidField(schema, record);
    String msg = field != null
        ? "cannot encode " + schema.getName() + ": field " + field + " is missing or invalid (" + describe(e) + ")"
        : "cannot encode " + schema.getName() + ": " + describe(e);
    return new RecordEncodingException(field, msg, e);
  }
}
