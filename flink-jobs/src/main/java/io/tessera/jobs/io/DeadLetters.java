package io.tessera.jobs.io;

import io.tessera.records.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.util.OutputTag;

/** The one side output every Tessera operator sends rejected records to, and how a dead letter is built. */
public final class DeadLetters {

    private DeadLetters() {}

    /** Side output of dead letters; the jobs union all of them into the DLQ sink. */
    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters", AvroRecordTypeInfo.forClass(DeadLetter.class));

    /** A record that failed before or while decoding: its coordinates and untouched bytes. */
    public static DeadLetter of(RawRecord raw, String stage, String reason, Throwable error, String requestId) {
        return DeadLetter.newBuilder()
                .setSourceTopic(raw.topic == null ? "" : raw.topic)
                .setPartition(raw.partition)
                .setOffset(raw.offset)
                .setKey(raw.key == null ? null : ByteBuffer.wrap(raw.key))
                .setValue(raw.value == null ? null : ByteBuffer.wrap(raw.value))
                .setStage(stage)
                .setReason(reason)
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setRequestId(requestId)
                .setFailedAtMs(System.currentTimeMillis())
                .build();
    }

    /**
     * A decoded record rejected by a later operator: its Kafka coordinates are no longer known, so the value
     * is the record re-encoded with the same codec (byte-for-byte what a producer of this schema writes).
     */
    public static DeadLetter ofDecoded(String sourceTopic, String requestId, byte[] value, String stage, String reason,
            Throwable error) {
        return DeadLetter.newBuilder()
                .setSourceTopic(sourceTopic)
                .setPartition(-1)
                .setOffset(-1L)
                .setKey(requestId == null ? null : ByteBuffer.wrap(requestId.getBytes(StandardCharsets.UTF_8)))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setStage(stage)
                .setReason(reason)
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setRequestId(requestId)
                .setFailedAtMs(System.currentTimeMillis())
                .build();
    }

    /** A throwable's message, or its class name when it has none. */
    public static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }
}
