package io.tessera.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.sinks.catalog.CatalogSinkConnector;
import io.tessera.sinks.media.MediaFileSinkConnector;
import io.tessera.sinks.media.MediaSinkConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.Test;

/** What the embedded worker and its connectors are configured with, without starting them. */
class EmbeddedConnectConfigTest {

  @Test
  void workerListensOnLoopbackAndFindsPluginsThroughServiceFiles() {
    Map<String, String> w = EmbeddedConnect.workerConfig("127.0.0.1:9092", Path.of("/data/connect"), 0, 1000);
    assertThat(w).containsEntry("listeners", "http://127.0.0.1:0")
        .containsEntry("plugin.discovery", "service_load")
        .containsEntry("offset.storage.file.filename", "/data/connect/offsets.dat")
        .containsEntry("consumer.isolation.level", "read_committed");
    assertThat(ServiceLoader.load(SinkConnector.class).stream().map(p -> p.type().getName()))
        .contains(MediaFileSinkConnector.class.getName(), CatalogSinkConnector.class.getName());
  }

  @Test
  void badRecordsGoToTessera_dlqThroughConnectsDeadLetterQueue() {
    Map<String, String> media = EmbeddedConnect.mediaConnectorConfig(Path.of("/data/media"));
    assertThat(media).containsEntry("errors.tolerance", "all")
        .containsEntry("errors.deadletterqueue.topic.name", "tessera.dlq")
        .containsEntry("topics", "tessera.media.out")
        .containsEntry("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter")
        .containsEntry(MediaSinkConfig.ROOT_DIR_CONFIG, "/data/media");
    assertThat(EmbeddedConnect.catalogConnectorConfig("jdbc:postgresql://h/db"))
        .containsEntry("topics", "tessera.prompts,tessera.generations,tessera.rewards,tessera.feedback")
        .containsEntry("errors.deadletterqueue.topic.name", "tessera.dlq");
    // Both validate clean through their own ConfigDefs.
    assertThat(new MediaFileSinkConnector().validate(media).configValues())
        .allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
  }
}
