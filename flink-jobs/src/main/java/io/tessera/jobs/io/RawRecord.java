package io.tessera.jobs.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Kafka record exactly as it was read, before any decoding: where it came from and its bytes.
 * A Flink POJO (public no-arg constructor, public fields of POJO-serializable types), so it travels on
 * Flink's own serializer and never on Kryo; what cannot be decoded is dead-lettered with these bytes.
 */
public class RawRecord {

    public String topic;
    public int partition;
    public long offset;
    /** Record key, may be null. */
    public byte[] key;
    /** Record value, may be null (a tombstone). */
    public byte[] value;
    /** Kafka record timestamp, epoch millis. */
    public long timestamp;

    public RawRecord() {}

    public RawRecord(String topic, int partition, long offset, byte[] key, byte[] value, long timestamp) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.key = key;
        this.value = value;
        this.timestamp = timestamp;
    }

    /** A record made in memory (tests, demo drivers): no partition or offset. */
    public static RawRecord of(String topic, byte[] key, byte[] value) {
        return new RawRecord(topic, -1, -1L, key, value, 0L);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawRecord r
                && Objects.equals(topic, r.topic)
                && partition == r.partition
                && offset == r.offset
                && Arrays.equals(key, r.key)
                && Arrays.equals(value, r.value)
                && timestamp == r.timestamp;
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, Arrays.hashCode(key), Arrays.hashCode(value), timestamp);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset + " (" + (value == null ? "null" : value.length + " bytes") + ")";
    }
}
