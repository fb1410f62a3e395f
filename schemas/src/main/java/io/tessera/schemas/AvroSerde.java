package io.tessera.schemas;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one record type, in the single-object encoding of {@link RecordCodec}. A null value (a tombstone)
 * passes through as null both ways. Decoding failures are {@link RecordDecodingException}s, which Kafka's consumer
 * reports with the partition and offset of the record. Needs no configuration; thread-safe.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

  private final RecordCodec<T> codec;

  /** A serde using the process-wide schema store. */
  public AvroSerde(Class<T> type) {
    this(RecordCodec.of(type));
  }

  /** A serde using a given codec (and so its schema store). */
  public AvroSerde(RecordCodec<T> codec) {
    this.codec = codec;
  }

  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(type);
  }

  public RecordCodec<T> codec() {
    return codec;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : codec.encode(data);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : codec.decode(data);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // Nothing to configure: the schema store is the classpath's plus what was registered in-process.
  }

  @Override
  public void close() {
    // Holds no resources.
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }
}
