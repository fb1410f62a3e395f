package io.tessera.ingest.status;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Serdes of the status stores' values (internal state: the changelogs are read only by this app). */
final class StoreSerdes {

    private StoreSerdes() {}

    /** {@code long[]} as big-endian longs. */
    static Serde<long[]> longArray() {
        Serializer<long[]> ser = (topic, a) -> {
            if (a == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.allocate(8 * a.length);
            for (long v : a) {
                b.putLong(v);
            }
            return b.array();
        };
        Deserializer<long[]> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length % 8 != 0) {
                throw new SerializationException("a long[] needs a multiple of 8 bytes, got " + bytes.length);
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            long[] a = new long[bytes.length / 8];
            for (int i = 0; i < a.length; i++) {
                a[i] = b.getLong();
            }
            return a;
        };
        return Serdes.serdeFrom(ser, de);
    }

    /** {@link GenerationStatus} as its JSON. */
    static Serde<GenerationStatus> status() {
        Serializer<GenerationStatus> ser = (topic, s) -> {
            if (s == null) {
                return null;
            }
            try {
                return StatusJson.MAPPER.writeValueAsBytes(s);
            } catch (IOException e) {
                throw new SerializationException("cannot write the status of " + s.requestId(), e);
            }
        };
        Deserializer<GenerationStatus> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return StatusJson.MAPPER.readValue(bytes, GenerationStatus.class);
            } catch (IOException e) {
                throw new SerializationException("a stored status does not read back: " + e.getMessage(), e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }
}
