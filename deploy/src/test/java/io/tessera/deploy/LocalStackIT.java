package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.records.Cancel;
import io.tessera.schemas.AvroSerde;
import io.tessera.schemas.Topic;
import io.tessera.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The whole {@code tessera up} stack in this JVM: Kafka, topics, Flink with the jobs, the gateway; twice. */
class LocalStackIT {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void comesUpOnLoopbackStopsAndComesBackWithItsData() throws Exception {
    Path dataDir = EmbeddedFlinkIT.tempDir("stack");
    UpOptions options = UpOptions.parse(Args.parse("up", new String[] {"--port", "0", "--data-dir",
        dataDir.toString(), "--gateway-port", "0", "--flink-ui-port", "0"}, UpOptions.VALUED, UpOptions.FLAGS));

    try (LocalStack stack = LocalStack.start(options)) {
      assertThat(topicNames(stack)).containsAll(Topics.ALL.stream().map(Topic::name).toList());
      assertThat(get(stack.gateway().resolve("/healthz"))).isEqualTo(200);
      URI status = stack.gateway().resolve("/v1/generations/never-sent");
      assertThat(get(status)).as("no key").isEqualTo(401);
      assertThat(http.send(HttpRequest.newBuilder(status).header("Authorization", "Bearer " + stack.apiKey()).GET()
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).as("the development key").isEqualTo(404);
      assertThat(get(stack.flinkUi().resolve("/config"))).isEqualTo(200);
      assertThat(stack.jobs()).extracting(j -> j.definition().name())
          .containsExactly("tessera-generation", "tessera-decode", "tessera-reward");
      assertThat(stack.sinks().catalogUrl()).startsWith("jdbc:postgresql://127.0.0.1:");
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
      while (!stack.sinks().running() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(stack.sinks().running()).as("media and catalog connectors RUNNING").isTrue();
      if (OwnListeners.available()) {
        assertThat(OwnListeners.all()).isNotEmpty().allMatch(OwnListeners.Listener::isLoopback);
      }
      assertThatThrownBy(() -> LocalStack.start(options)).isInstanceOf(StackException.class)
          .hasMessageContaining("already used by a running 'tessera up'");
      try (KafkaProducer<String, Cancel> producer = new KafkaProducer<>(
          Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringSerializer(),
          new AvroSerde<>(Cancel.class))) {
        producer.send(new ProducerRecord<>(Topics.CONTROL.name(), "r1", Cancel.newBuilder().setRequestId("r1")
            .build())).get();
      }
    }

    try (LocalStack again = LocalStack.start(options)) {
      TopicsCommand.Row control = TopicsCommand.describe(again.bootstrapServers(), false).stream()
          .filter(r -> r.topic().equals(Topics.CONTROL.name())).findFirst().orElseThrow();
      assertThat(control.total()).as("the record written before the restart").isEqualTo(1);
      assertThat(again.jobs()).hasSize(3);
    }
  }

  private static List<String> topicNames(LocalStack stack) {
    return TopicsCommand.describe(stack.bootstrapServers(), false).stream().map(TopicsCommand.Row::topic).toList();
  }

  private int get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
