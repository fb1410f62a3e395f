package io.tessera.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import org.junit.jupiter.api.Test;

class BrokerSettingsTest {

  private final BrokerSettings settings = new BrokerSettings(Path.of("target/tmp/kafka"), 19092, 19093);

  @Test
  void everyListenerIsOnLoopback() {
    Properties p = settings.toProperties();
    assertThat(p.getProperty("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093");
    assertThat(p.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:19092");
    assertThat(p.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:19093");
    assertThat(settings.bootstrapServers()).isEqualTo("127.0.0.1:19092");
  }

  @Test
  void internalTopicsFitOneBroker() {
    Properties p = settings.toProperties();
    for (String key : new String[] {"offsets.topic.replication.factor", "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr", "share.coordinator.state.topic.replication.factor",
        "share.coordinator.state.topic.min.isr"}) {
      assertThat(p.getProperty(key)).as(key).isEqualTo("1");
    }
    assertThat(p.getProperty("group.initial.rebalance.delay.ms")).isEqualTo("0");
  }

  @Test
  void kafkaAcceptsTheConfiguration() {
    KafkaConfig config = new KafkaConfig(settings.toProperties(), false);
    assertThat(config.nodeId()).isEqualTo(BrokerSettings.NODE_ID);
    assertThat(config.metadataLogDir()).endsWith("kafka");
  }

  @Test
  void rejectsBadPorts() {
    assertThatThrownBy(() -> new BrokerSettings(Path.of("x"), 0, 19093)).hasMessageContaining("port must be");
    assertThatThrownBy(() -> new BrokerSettings(Path.of("x"), 19092, 19092)).hasMessageContaining("controllerPort");
    assertThatThrownBy(() -> EmbeddedKafka.start(Path.of("target/tmp/never"), 70000))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 (any free port)");
  }
}
