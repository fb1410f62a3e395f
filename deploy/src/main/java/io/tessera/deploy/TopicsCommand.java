package io.tessera.deploy;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/** {@code tessera topics}: every topic with its partition count and end offsets, as a table. */
final class TopicsCommand {

  static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
  private static final int TIMEOUT_MS = 10_000;

  static final String HELP = """
      Usage: tessera topics [--bootstrap HOST:PORT] [--all]

      Lists the topics on Kafka with their partitions and end offsets (the total and per partition).

      Options:
        --bootstrap HOST:PORT  the Kafka to ask (default %s, where 'tessera up' puts it)
        --all                  include Kafka's internal topics (__consumer_offsets, ...)
        --help                 this text
      """.formatted(DEFAULT_BOOTSTRAP);

  /** One row of the table. */
  record Row(String topic, int partitions, long total, List<Long> endOffsets) {}

  static int run(String[] argv, PrintStream out) {
    Args args = Args.parse("topics", argv, Set.of("bootstrap"), Set.of("all", "help"));
    if (args.flag("help")) {
      out.print(HELP);
      return 0;
    }
    args.requireNoPositional();
    HostPort bootstrap = HostPort.parse("--bootstrap", args.get("bootstrap", DEFAULT_BOOTSTRAP));
    List<Row> rows = describe(bootstrap.toString(), args.flag("all"));
    print(rows, out);
    return 0;
  }

  static List<Row> describe(String bootstrap, boolean includeInternal) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cfg.put(AdminClientConfig.CLIENT_ID_CONFIG, "tessera-topics");
    cfg.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    cfg.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    // One try: a Kafka that is not there should be reported now, not after minutes of reconnects.
    cfg.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    try (Admin admin = Admin.create(cfg)) {
      Set<String> names = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions()
          .listInternal(includeInternal)).names().get();
      Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      described.values().forEach(d -> d.partitions().forEach(p ->
          request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(request).all().get();
      List<Row> rows = new ArrayList<>();
      for (TopicDescription d : new TreeMap<>(described).values()) {
        List<Long> offsets = new ArrayList<>();
        long total = 0;
        for (int p = 0; p < d.partitions().size(); p++) {
          long end = ends.get(new TopicPartition(d.name(), p)).offset();
          offsets.add(end);
          total += end;
        }
        rows.add(new Row(d.name(), d.partitions().size(), total, offsets));
      }
      return rows;
    } catch (ExecutionException e) {
      throw new StackException("Cannot read topics from Kafka at " + bootstrap + " (" + Failures.rootMessage(e)
          + "); is 'tessera up' running, or pass --bootstrap HOST:PORT", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while reading topics", e);
    }
  }

  static void print(List<Row> rows, PrintStream out) {
    if (rows.isEmpty()) {
      out.println("No topics. Run 'tessera up' to create them.");
      return;
    }
    int width = Math.max("TOPIC".length(), rows.stream().mapToInt(r -> r.topic().length()).max().orElse(0));
    String format = "%-" + width + "s  %10s  %12s  %s%n";
    out.printf(format, "TOPIC", "PARTITIONS", "END OFFSETS", "PER PARTITION");
    for (Row r : rows) {
      out.printf(format, r.topic(), r.partitions(), r.total(), perPartition(r.endOffsets()));
    }
  }

  /** {@code 0:12 1:0 2:7}; long lists are cut with a count of what was left out. */
  static String perPartition(List<Long> offsets) {
    final int shown = 16;
    StringBuilder b = new StringBuilder();
    for (int p = 0; p < Math.min(shown, offsets.size()); p++) {
      b.append(p == 0 ? "" : " ").append(p).append(':').append(offsets.get(p));
    }
    if (offsets.size() > shown) {
      b.append(" ... (").append(offsets.size() - shown).append(" more)");
    }
    return b.toString();
  }

  private TopicsCommand() {}
}
