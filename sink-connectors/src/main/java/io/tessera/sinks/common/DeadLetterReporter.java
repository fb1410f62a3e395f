package io.tessera.sinks.common;

import io.tessera.records.DeadLetter;
import io.tessera.schemas.RecordCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record a task cannot process to Connect's dead-letter queue, as a Tessera {@link DeadLetter} (the original
 * bytes, where they came from, which stage rejected them and why), so the DLQ topic holds one record type whatever
 * stage wrote it. It goes through the task's {@link ErrantRecordReporter}: Connect's own DLQ producer, honouring
 * {@code errors.tolerance}, {@code errors.deadletterqueue.topic.name} and, when enabled, adding its
 * {@code __connect.errors.*} context headers (exception class and message) to the DLQ record. Where the worker has
 * no reporter (an old runtime) the record is logged and skipped; the task never stops for a bad record.
 */
public final class DeadLetterReporter {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReporter.class);
  private static final RecordCodec<DeadLetter> CODEC = RecordCodec.of(DeadLetter.class);

  private final String stage;
  private final ErrantRecordReporter reporter;
  private final AtomicLong reported = new AtomicLong();

  /**
   * @param stage names the connector in {@link DeadLetter#getStage()}, e.g. {@code sink-connectors/media-file-sink}
   * @param context the task's context; its reporter is looked up once
   */
  public DeadLetterReporter(String stage, SinkTaskContext context) {
    this.stage = stage;
    this.reporter = reporterOf(context);
  }

  private static ErrantRecordReporter reporterOf(SinkTaskContext context) {
    try {
      return context == null ? null : context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      return null; // a worker older than Kafka 2.6
    }
  }

  /**
   * Reports a rejected record.
   *
   * @param record the record as the task received it
   * @param reason what is wrong with it, for people
   * @param error the failure, if there was one (its class is recorded)
   * @param requestId the request the record belongs to, when known
   */
  public void report(SinkRecord record, String reason, Throwable error, String requestId) {
    reported.incrementAndGet();
    DeadLetter letter = deadLetter(record, stage, reason, error, requestId);
    if (reporter == null) {
      LOG.warn("{}: skipping {}-{}@{} (no dead-letter reporter on this worker): {}", stage, record.topic(),
          record.kafkaPartition(), record.kafkaOffset(), reason);
      return;
    }
    LOG.warn("{}: {}-{}@{} to the dead-letter queue: {}", stage, record.topic(), record.kafkaPartition(),
        record.kafkaOffset(), reason);
    // A plain SinkRecord (not the runtime's internal one) makes Connect serialise *this* value, the DeadLetter,
    // with the task's converter instead of forwarding the original consumer record.
    SinkRecord out = new SinkRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
        Schema.OPTIONAL_BYTES_SCHEMA, CODEC.encode(letter), record.kafkaOffset(), record.timestamp(),
        record.timestampType(), record.headers());
    reporter.report(out, error != null ? error : new BadRecordException(reason));
  }

  /** How many records this reporter was handed. */
  public long reported() {
    return reported.get();
  }

  /** Whether dead letters reach a dead-letter queue (else they are only logged). */
  public boolean hasQueue() {
    return reporter != null;
  }

  static DeadLetter deadLetter(SinkRecord record, String stage, String reason, Throwable error, String requestId) {
    byte[] key = keyBytes(record.key());
    byte[] value = record.value() instanceof byte[] b ? b : null;
    return DeadLetter.newBuilder()
        .setSourceTopic(record.originalTopic() == null ? "" : record.originalTopic())
        .setPartition(record.originalKafkaPartition() == null ? -1 : record.originalKafkaPartition())
        .setOffset(record.originalKafkaOffset())
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(value == null ? null : ByteBuffer.wrap(value))
        .setStage(stage)
        .setReason(reason)
        .setErrorClass(error == null ? null : error.getClass().getName())
        .setRequestId(requestId != null ? requestId : key == null ? null : new String(key, StandardCharsets.UTF_8))
        .setFailedAtMs(System.currentTimeMillis())
        .build();
  }

  private static byte[] keyBytes(Object key) {
    if (key instanceof byte[] b) {
      return b;
    }
    return key == null ? null : key.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The error handed to Connect when a record was rejected without an exception of its own. */
  public static final class BadRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadRecordException(String reason) {
      super(reason);
    }
  }
}
