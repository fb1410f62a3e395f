package io.tessera.jobs.io;

import io.tessera.jobs.JobConfig;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Kafka sources (raw records, decoded later) and sinks (Avro values, request-id keys) of the Tessera jobs. */
public final class KafkaIo {

    private KafkaIo() {}

    /** A source reading {@code topic} as {@link RawRecord}s, in consumer group {@code <prefix>-<job>}. */
    public static KafkaSource<RawRecord> source(JobConfig cfg, String topic, String jobName) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(cfg.bootstrapServers())
                .setTopics(topic)
                .setGroupId(cfg.groupPrefix() + "-" + jobName)
                .setClientIdPrefix(cfg.groupPrefix() + "-" + jobName + "-" + topic)
                .setStartingOffsets(startingOffsets(cfg))
                .setDeserializer(new RawRecordDeserializer())
                // Offsets are committed on checkpoints; this only makes `tessera topics`-style lag readable.
                .setProperty("commit.offsets.on.checkpoint", "true")
                .build();
    }

    /** {@link #source} added to {@code env} with no watermarks (the jobs use processing time only). */
    public static DataStream<RawRecord> read(StreamExecutionEnvironment env, JobConfig cfg, String topic,
            String jobName) {
        return env.fromSource(source(cfg, topic, jobName), WatermarkStrategy.noWatermarks(), "kafka:" + topic)
                .uid(jobName + "-source-" + topic);
    }

    /**
     * A sink writing {@code type} records to {@code topic} with the configured delivery guarantee. Exactly-once
     * sinks get the transactional id prefix {@code <prefix>-<job>-<topic>}, unique per sink.
     */
    public static <T extends SpecificRecordBase> KafkaSink<T> sink(JobConfig cfg, String topic, Class<T> type,
            RecordKey<T> key, String jobName) {
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(cfg.bootstrapServers())
                .setRecordSerializer(new AvroKafkaRecordSerializer<>(topic, type, key))
                .setDeliveryGuarantee(cfg.delivery())
                // Small batches, sent at once: streaming tokens is the point.
                .setProperty("linger.ms", "0")
                .setProperty("client.id", cfg.groupPrefix() + "-" + jobName + "-" + topic);
        if (cfg.delivery() == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(cfg.transactionalIdPrefix() + "-" + jobName + "-" + topic);
        }
        return builder.build();
    }

    private static OffsetsInitializer startingOffsets(JobConfig cfg) {
        return switch (cfg.startingOffsets()) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
    }
}
