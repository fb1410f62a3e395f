package io.tessera.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.embedded.EmbeddedKafka;
import io.tessera.records.DeadLetter;
import io.tessera.records.MediaChunk;
import io.tessera.schemas.RecordCodec;
import io.tessera.schemas.Topics;
import io.tessera.sinks.catalog.CatalogQueries;
import io.tessera.sinks.catalog.CatalogSinkTask;
import io.tessera.sinks.media.MediaFileSinkTask;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both sinks on a real standalone Connect worker, a real broker and a real PostgreSQL: records in, files and rows
 * out, bad records on the DLQ; then the worker restarts with its consumer groups reset, everything is redelivered,
 * and neither a file byte (nor modification time) nor a row changes.
 */
class SinkConnectorsIT {

  static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir
  Path dir;

  @Test
  void filesAndRowsAppearOnceAndRedeliveryChangesNothing() throws Exception {
    String id = UUID.nameUUIDFromBytes("sink-it".getBytes(StandardCharsets.UTF_8)).toString();
    Path media = dir.resolve("media");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
         EmbeddedCatalogDatabase db = EmbeddedCatalogDatabase.start(dir);
         Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      kafka.createTopics(Topics.ALL);
      String bootstrap = kafka.bootstrapServers();

      try (EmbeddedConnect connect = EmbeddedConnect.builder(bootstrap, dir).mediaRoot(media)
          .optCatalog(db.jdbcUrl()).optOffsetFlushMs(500).start()) {
        assertThat(connect.restUri().getHost()).isEqualTo("127.0.0.1");
        String listed = get(connect.restUri().resolve("/connectors"));
        assertThat(listed).contains(EmbeddedConnect.MEDIA_CONNECTOR, EmbeddedConnect.CATALOG_CONNECTOR);
        await("both connectors running", () -> connect.running(EmbeddedConnect.MEDIA_CONNECTOR)
            && connect.running(EmbeddedConnect.CATALOG_CONNECTOR),
            () -> connect.status(EmbeddedConnect.MEDIA_CONNECTOR) + "; "
                + connect.status(EmbeddedConnect.CATALOG_CONNECTOR));

        publish(bootstrap, id);

        Path sample1 = media.resolve(id).resolve("sample-1");
        await("media files and catalog rows", () -> Files.exists(sample1.resolve("clip.gif"))
            && Files.exists(sample1.resolve("audio.wav")) && Files.exists(media.resolve(id + "/sample-0/audio.wav"))
            && rows(db, "feedback") == 2 && rows(db, "rewards") == 2,
            () -> "files " + files(media) + ", rows " + counts(db));
        await("dead letters", () -> deadLetters(bootstrap).size() == 2, () -> "dlq " + deadLetters(bootstrap));
        await("offsets committed", () -> caughtUp(admin), () -> "groups behind");
      }

      Map<String, String> filesBefore = files(media);
      List<String> rowsBefore = dump(db);
      assertThat(filesBefore.keySet()).contains(id + "/sample-0/frame-0001.png", id + "/sample-0/frame-0003.png",
          id + "/sample-0/clip.gif", id + "/sample-0/audio.wav", id + "/sample-1/clip.gif",
          id + "/sample-1/audio.wav");
      assertThat(Files.readAllBytes(media.resolve(id + "/sample-1/frame-0002.png")))
          .isEqualTo(TestRecords.png(id, 1, 1));
      assertThat(counts(db)).isEqualTo(Map.of("requests", 1L, "generations", 2L, "rewards", 2L, "feedback", 2L));
      assertThat(query(db, CatalogQueries.MEAN_REWARD_PER_POLICY_VERSION)).containsExactly("5 2 0.5");

      List<ConsumerRecord<byte[], byte[]>> dlq = deadLetters(bootstrap);
      Map<String, DeadLetter> byTopic = dlq.stream().map(r -> RecordCodec.of(DeadLetter.class).decode(r.value()))
          .collect(Collectors.toMap(DeadLetter::getSourceTopic, d -> d));
      assertThat(byTopic.get(Topics.MEDIA_OUT.name()).getStage()).isEqualTo(MediaFileSinkTask.STAGE);
      assertThat(byTopic.get(Topics.MEDIA_OUT.name()).getReason()).contains("not a MediaChunk");
      assertThat(byTopic.get(Topics.MEDIA_OUT.name()).getRequestId()).isEqualTo("bad-1");
      assertThat(byTopic.get(Topics.REWARDS.name()).getStage()).isEqualTo(CatalogSinkTask.STAGE);
      assertThat(byTopic.get(Topics.REWARDS.name()).getReason()).contains("not a record for table rewards");
      // Connect's own context headers ride along with the reason.
      assertThat(header(dlq.get(0), "__connect.errors.exception.message")).isNotBlank();

      // Restart with the consumer groups gone: every record is delivered again.
      for (String connector : List.of(EmbeddedConnect.MEDIA_CONNECTOR, EmbeddedConnect.CATALOG_CONNECTOR)) {
        admin.deleteConsumerGroups(List.of(EmbeddedConnect.GROUP_PREFIX + connector)).all().get();
      }
      try (EmbeddedConnect connect = EmbeddedConnect.start(bootstrap, dir, media, Optional.of(db.jdbcUrl()))) {
        await("redelivered dead letters", () -> deadLetters(bootstrap).size() == 4, () -> "dlq size "
            + deadLetters(bootstrap).size() + ", " + connect.status(EmbeddedConnect.MEDIA_CONNECTOR));
        await("redelivery committed", () -> caughtUp(admin), () -> "groups behind");
        assertThat(connect.running(EmbeddedConnect.MEDIA_CONNECTOR)).isTrue();
        assertThat(connect.running(EmbeddedConnect.CATALOG_CONNECTOR)).isTrue();
      }
      assertThat(files(media)).isEqualTo(filesBefore);
      assertThat(dump(db)).isEqualTo(rowsBefore);
    }
  }

  /** One request, two samples of 3 frames and 2 audio chunks, their completions, rewards and feedback; 2 bad. */
  static void publish(String bootstrap, String id) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>(Topics.PROMPTS.name(), id,
          TestRecords.encode(TestRecords.request(id, "a red ball")))).get();
      for (int s = 0; s < 2; s++) {
        for (MediaChunk c : TestRecords.sample(id, s, 3, 2)) {
          producer.send(new ProducerRecord<>(Topics.MEDIA_OUT.name(), id, TestRecords.encode(c)));
        }
        producer.send(new ProducerRecord<>(Topics.GENERATIONS.name(), id,
            TestRecords.encode(TestRecords.generation(id, s, 5))));
        producer.send(new ProducerRecord<>(Topics.REWARDS.name(), id,
            TestRecords.encode(TestRecords.reward(id, s, 5, 0.25 + 0.5 * s))));
      }
      producer.send(new ProducerRecord<>(Topics.FEEDBACK.name(), id,
          TestRecords.encode(TestRecords.thumbsUp(id, 1, "ann"))));
      producer.send(new ProducerRecord<>(Topics.FEEDBACK.name(), id,
          TestRecords.encode(TestRecords.preference(id, 1, 0, "ann"))));
      producer.send(new ProducerRecord<>(Topics.MEDIA_OUT.name(), "bad-1", TestRecords.utf8("not a chunk")));
      producer.send(new ProducerRecord<>(Topics.REWARDS.name(), "bad-2", TestRecords.utf8("not a reward")));
      producer.flush();
    }
  }

  /** Whether both sink groups have committed the end of every non-empty partition they read. */
  static boolean caughtUp(Admin admin) {
    try {
      for (String connector : List.of(EmbeddedConnect.MEDIA_CONNECTOR, EmbeddedConnect.CATALOG_CONNECTOR)) {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
            EmbeddedConnect.GROUP_PREFIX + connector).partitionsToOffsetAndMetadata().get();
        List<String> topics = connector.equals(EmbeddedConnect.MEDIA_CONNECTOR)
            ? List.of(Topics.MEDIA_OUT.name())
            : List.of(Topics.PROMPTS.name(), Topics.GENERATIONS.name(), Topics.REWARDS.name(),
                Topics.FEEDBACK.name());
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (String t : topics) {
          for (int partition = 0; partition < Topics.REQUEST_PARTITIONS; partition++) {
            latest.put(new TopicPartition(t, partition), OffsetSpec.latest());
          }
        }
        var ends = admin.listOffsets(latest).all().get();
        for (var e : ends.entrySet()) {
          long end = e.getValue().offset();
          OffsetAndMetadata c = committed.get(e.getKey());
          if (end > 0 && (c == null || c.offset() < end)) {
            return false;
          }
        }
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  static List<ConsumerRecord<byte[], byte[]>> deadLetters(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int i = 0; i < Topics.DLQ.partitions(); i++) {
        parts.add(new TopicPartition(Topics.DLQ.name(), i));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Every file under the media root with its SHA-256 and modification time. */
  static Map<String, String> files(Path root) {
    Map<String, String> out = new TreeMap<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path f : all.filter(Files::isRegularFile).toList()) {
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
        out.put(root.relativize(f).toString(), java.util.HexFormat.of().formatHex(sha) + " "
            + Files.getLastModifiedTime(f).toMillis());
      }
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  static long rows(EmbeddedCatalogDatabase db, String table) {
    try {
      return Long.parseLong(query(db, "SELECT count(*) FROM " + table).get(0));
    } catch (SQLException e) {
      return -1; // not created yet
    }
  }

  static Map<String, Long> counts(EmbeddedCatalogDatabase db) {
    Map<String, Long> out = new TreeMap<>();
    for (String t : List.of("requests", "generations", "rewards", "feedback")) {
      out.put(t, rows(db, t));
    }
    return out;
  }

  /** Every row of every table, including each row version's xmin: an identical rewrite would show. */
  static List<String> dump(EmbeddedCatalogDatabase db) throws SQLException {
    List<String> out = new ArrayList<>();
    for (String t : List.of("requests", "generations", "rewards", "feedback")) {
      out.addAll(query(db, "SELECT t.xmin::text || ' ' || t::text FROM " + t + " t ORDER BY 1"));
    }
    return out;
  }

  static List<String> query(EmbeddedCatalogDatabase db, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl()); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          sb.append(i == 1 ? "" : " ").append(rs.getString(i));
        }
        out.add(sb.toString());
      }
    }
    return out;
  }

  static String get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** Polls until the condition holds; fails with the description after {@link #WAIT}. */
  static void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> describe)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + ": " + describe.get());
      }
      Thread.sleep(200);
    }
  }
}
