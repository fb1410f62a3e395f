package io.tessera.sinks;

import io.tessera.records.DeadLetter;
import io.tessera.schemas.RecordCodec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * The part of a worker a task talks to, for calling tasks directly: keeps what the task reports to the errant record
 * reporter (Connect's DLQ) and the last back-off it asked for. The real worker is exercised by the ITs.
 */
public final class TestSinkContext implements SinkTaskContext {

  /** A record handed to the dead-letter queue. */
  public record Reported(SinkRecord record, Throwable error) {
    public DeadLetter deadLetter() {
      return RecordCodec.of(DeadLetter.class).decode((byte[]) record.value());
    }
  }

  public final List<Reported> reported = new CopyOnWriteArrayList<>();
  public volatile long timeoutMs = -1;

  @Override
  public Map<String, String> configs() {
    return Map.of();
  }

  @Override
  public void offset(Map<TopicPartition, Long> offsets) {}

  @Override
  public void offset(TopicPartition tp, long offset) {}

  @Override
  public void timeout(long timeoutMs) {
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Set<TopicPartition> assignment() {
    return Set.of();
  }

  @Override
  public void pause(TopicPartition... partitions) {}

  @Override
  public void resume(TopicPartition... partitions) {}

  @Override
  public void requestCommit() {}

  @Override
  public ErrantRecordReporter errantRecordReporter() {
    return (record, error) -> {
      reported.add(new Reported(record, error));
      return CompletableFuture.completedFuture(null);
    };
  }

  @Override
  public PluginMetrics pluginMetrics() {
    return null;
  }

  /** The dead letters reported so far. */
  public List<DeadLetter> deadLetters() {
    return reported.stream().map(Reported::deadLetter).toList();
  }
}
