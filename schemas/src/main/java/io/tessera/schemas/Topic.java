package io.tessera.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/**
 * A Kafka topic of Tessera: its name, the Avro record its values hold, its partition count and its topic configs.
 * Keys are always UTF-8 strings (see {@link TopicKeys}); values use the single-object encoding of {@link #codec()}.
 *
 * @param name Kafka topic name, e.g. {@code tessera.prompts}
 * @param valueType generated Avro class of the values
 * @param partitions partition count to create the topic with
 * @param configs topic-level configs to create the topic with (immutable)
 * @param <V> value record type
 */
public record Topic<V extends SpecificRecord>(String name, Class<V> valueType, int partitions,
                                              Map<String, String> configs) {

  /** Topic config naming the largest record batch the broker accepts on this topic. */
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(valueType, "valueType");
    Objects.requireNonNull(configs, "configs");
    if (name.isBlank()) {
      throw new IllegalArgumentException("topic name is blank");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("topic " + name + ": partitions must be >= 1, got " + partitions);
    }
    configs = Map.copyOf(configs);
  }

  /** The binary codec (single-object encoding, default schema store) of this topic's values. */
  public RecordCodec<V> codec() {
    return RecordCodec.of(valueType);
  }

  /** The JSON view (Avro JSON encoding) of this topic's values. */
  public JsonCodec<V> json() {
    return JsonCodec.of(valueType);
  }

  /** A Kafka serde for this topic's values (kafka-clients must be on the classpath). */
  public AvroSerde<V> serde() {
    return new AvroSerde<>(valueType);
  }

  /** The key a record of this topic is published with: requestId, or the policy name on tessera.policy. */
  public String keyOf(V value) {
    return TopicKeys.keyOf(value);
  }

  /** {@link #keyOf} as the UTF-8 bytes that go on the wire. */
  public byte[] keyBytesOf(V value) {
    String key = keyOf(value);
    return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The largest record this topic accepts; producers writing to it need {@code max.request.size} at least this big
   * (plus batch overhead) and consumers a {@code max.partition.fetch.bytes} this big to avoid extra round trips.
   */
  public int maxMessageBytes() {
    String v = configs.get(MAX_MESSAGE_BYTES);
    return v == null ? Topics.DEFAULT_BROKER_MAX_MESSAGE_BYTES : Integer.parseInt(v);
  }

  @Override
  public String toString() {
    return name + "<" + valueType.getSimpleName() + ", " + partitions + " partitions>";
  }
}
