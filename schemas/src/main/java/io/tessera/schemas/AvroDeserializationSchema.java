package io.tessera.schemas;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink deserialization schema for one record type, in the single-object encoding of {@link RecordCodec}. A null
 * message (a tombstone) yields null, which Flink's collector-based path skips; undecodable bytes throw
 * {@link RecordDecodingException} (jobs that must not fail deserialize raw bytes and route errors to the DLQ).
 * The produced type is Flink's {@code AvroTypeInfo} (from flink-avro), so records travel on Flink's Avro
 * serializer, never on Kryo.
 */
public final class AvroDeserializationSchema<T extends SpecificRecord> implements DeserializationSchema<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private transient RecordCodec<T> codec;

  public AvroDeserializationSchema(Class<T> type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  public static <T extends SpecificRecord> AvroDeserializationSchema<T> of(Class<T> type) {
    return new AvroDeserializationSchema<>(type);
  }

  @Override
  public void open(InitializationContext context) {
    codec();
  }

  @Override
  public T deserialize(byte[] message) {
    return message == null ? null : codec().decode(message);
  }

  @Override
  public boolean isEndOfStream(T nextElement) {
    return false;
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return TypeInformation.of(type);
  }

  private RecordCodec<T> codec() {
    RecordCodec<T> c = codec;
    if (c == null) {
      c = RecordCodec.of(type);
      codec = c;
    }
    return c;
  }
}
