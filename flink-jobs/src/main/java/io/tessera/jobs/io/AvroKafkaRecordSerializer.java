package io.tessera.jobs.io;

import io.tessera.schemas.RecordCodec;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes a record to one topic: key = UTF-8 key text, value = the record's single-object Avro encoding. */
final class AvroKafkaRecordSerializer<T extends SpecificRecordBase> implements KafkaRecordSerializationSchema<T> {

    private final String topic;
    private final Class<T> type;
    private final RecordKey<T> key;
    private transient RecordCodec<T> codec;

    AvroKafkaRecordSerializer(String topic, Class<T> type, RecordKey<T> key) {
        this.topic = topic;
        this.type = type;
        this.key = key;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        codec = RecordCodec.of(type);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = RecordCodec.of(type);
        }
        String keyText = key.keyOf(element);
        byte[] keyBytes = keyText == null ? null : keyText.getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, timestamp, keyBytes, codec.encode(element));
    }
}
