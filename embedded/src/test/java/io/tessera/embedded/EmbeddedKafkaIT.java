package io.tessera.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.tessera.records.Cancel;
import io.tessera.schemas.AvroSerde;
import io.tessera.schemas.Topic;
import io.tessera.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaIT {

  private static final Topic<Cancel> TOPIC = Topics.CONTROL;
  private static final int RECORDS = 100;

  @Test
  void createsEveryTopicAndKeepsRecordsAcrossARestart() throws Exception {
    Path dataDir = tempDir("kafka-it");
    List<Cancel> sent = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0)) {
      kafka.createTopics(Topics.ALL);
      kafka.createTopics(Topics.ALL); // existing topics are fine
      assertTopicsAsDeclared(kafka.bootstrapServers());

      try (KafkaProducer<String, Cancel> producer = new KafkaProducer<>(producerConfig(kafka.bootstrapServers()),
          new StringSerializer(), new AvroSerde<>(Cancel.class))) {
        for (int i = 0; i < RECORDS; i++) {
          Cancel cancel = Cancel.newBuilder().setRequestId("req-" + i).setReason("test " + i).build();
          producer.send(new ProducerRecord<>(TOPIC.name(), TOPIC.keyOf(cancel), cancel)).get();
          sent.add(cancel);
        }
      }
      assertThat(consumeAll(kafka.bootstrapServers(), RECORDS)).containsExactlyInAnyOrderElementsOf(sent);
    }

    try (EmbeddedKafka again = EmbeddedKafka.start(dataDir, 0)) {
      assertTopicsAsDeclared(again.bootstrapServers());
      assertThat(consumeAll(again.bootstrapServers(), RECORDS)).containsExactlyInAnyOrderElementsOf(sent);
    }
  }

  @Test
  void aSecondBrokerOnTheSameDirectoryIsRefusedAndTheFirstKeepsWorking() throws Exception {
    Path dataDir = tempDir("kafka-lock");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0)) {
      assertThatThrownBy(() -> EmbeddedKafka.start(dataDir, 0)).isInstanceOf(EmbeddedKafkaException.class)
          .hasMessageContaining("already used by a running Kafka broker");
      kafka.createTopics(List.of(TOPIC)); // answers: the refused start did not touch the running broker
    }
    try (EmbeddedKafka again = EmbeddedKafka.start(dataDir, 0)) { // the lock went with the first broker
      assertThat(again.bootstrapServers()).startsWith("127.0.0.1:");
    }
  }

  @Test
  void listensOnLoopbackOnly() throws Exception {
    assumeThat(ListeningSockets.available()).as("/proc/net/tcp readable").isTrue();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(tempDir("kafka-lo"), 0)) {
      assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
      int port = Integer.parseInt(kafka.bootstrapServers().substring("127.0.0.1:".length()));
      for (int p : new int[] {port, kafka.controllerPort()}) {
        assertThat(ListeningSockets.onPort(p)).as("listeners on port %d", p)
            .isNotEmpty().allMatch(ListeningSockets.Listener::isLoopback);
      }
    }
  }

  private static void assertTopicsAsDeclared(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(EmbeddedKafka.adminConfig(bootstrap))) {
      Map<String, TopicDescription> described = admin.describeTopics(
          Topics.ALL.stream().map(Topic::name).collect(Collectors.toList())).allTopicNames().get();
      for (Topic<?> t : Topics.ALL) {
        assertThat(described.get(t.name()).partitions()).as(t.name()).hasSize(t.partitions());
      }
    }
  }

  private static Path tempDir(String prefix) throws Exception {
    return Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), prefix);
  }

  private static Map<String, Object> producerConfig(String bootstrap) {
    return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
  }

  /** Reads the topic from the beginning with a fresh group until {@code expected} records arrived (or 60 s passed). */
  private static List<Cancel> consumeAll(String bootstrap, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<Cancel> values = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (KafkaConsumer<String, Cancel> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
        new AvroSerde<>(Cancel.class))) {
      consumer.subscribe(List.of(TOPIC.name()));
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, Cancel> r : consumer.poll(Duration.ofMillis(200))) {
          assertThat(r.key()).isEqualTo(r.value().getRequestId());
          values.add(r.value());
        }
      }
    }
    return values;
  }
}
