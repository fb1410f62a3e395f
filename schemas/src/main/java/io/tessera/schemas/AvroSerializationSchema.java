package io.tessera.schemas;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;

/** Flink serialization schema for one record type, in the single-object encoding of {@link RecordCodec}. */
public final class AvroSerializationSchema<T extends SpecificRecord> implements SerializationSchema<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private transient RecordCodec<T> codec;

  public AvroSerializationSchema(Class<T> type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  public static <T extends SpecificRecord> AvroSerializationSchema<T> of(Class<T> type) {
    return new AvroSerializationSchema<>(type);
  }

  @Override
  public void open(InitializationContext context) {
    codec();
  }

  @Override
  public byte[] serialize(T element) {
    return element == null ? null : codec().encode(element);
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
