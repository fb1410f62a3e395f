package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;

class FlinkSettingsTest {

  private final Path work = Path.of("target/tmp/flink-settings").toAbsolutePath();

  @Test
  void everyAddressIsLoopback() {
    Configuration c = FlinkSettings.defaults(work).toConfiguration();
    for (String key : new String[] {"rest.bind-address", "rest.address", "jobmanager.bind-host",
        "jobmanager.rpc.address", "taskmanager.bind-host", "taskmanager.host"}) {
      assertThat(c.toMap()).as(key).containsEntry(key, "127.0.0.1");
    }
  }

  @Test
  void checkpointsAndTempFilesStayUnderTheWorkDir() {
    Configuration c = FlinkSettings.defaults(work).toConfiguration();
    assertThat(c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo(work.resolve("checkpoints").toUri().toString());
    assertThat(c.get(CoreOptions.TMP_DIRS)).startsWith(work.toString());
    assertThat(c.toMap().get("web.tmpdir")).startsWith(work.toString());
    assertThat(c.toMap().get("blob.storage.directory")).startsWith(work.toString());
  }

  @Test
  void restartsAreBounded() {
    Configuration c = new FlinkSettings(work, 2, 0, Duration.ofSeconds(1), 5).toConfiguration();
    assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
    assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS)).isEqualTo(5);
    assertThat(c.toMap()).containsEntry("rest.bind-port", "0");
    assertThat(c.get(CoreOptions.CLASSLOADER_RESOLVE_ORDER)).isEqualTo("parent-first");
  }

  @Test
  void theUiPortFallsBackToTheNextOnes() {
    assertThat(FlinkSettings.defaults(work).toConfiguration().toMap()).containsEntry("rest.bind-port", "8081-8101");
  }

  @Test
  void rejectsOutOfRangeValues() {
    assertThatThrownBy(() -> new FlinkSettings(work, 0, 0, Duration.ofSeconds(1), 1)).hasMessageContaining("--slots");
    assertThatThrownBy(() -> new FlinkSettings(work, 1, 0, Duration.ofMillis(10), 1))
        .hasMessageContaining("checkpoint interval");
  }

  @Test
  void jobIdsAreStablePerName() {
    assertThat(EmbeddedFlink.stableJobId("tessera-generation")).isEqualTo(EmbeddedFlink.stableJobId("tessera-generation"))
        .isNotEqualTo(EmbeddedFlink.stableJobId("tessera-decode"));
  }
}
