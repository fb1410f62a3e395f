package io.tessera.sinks.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class MediaSinkConfigTest {

  @Test
  void defaults() {
    MediaSinkConfig c = new MediaSinkConfig(Map.of(MediaSinkConfig.ROOT_DIR_CONFIG, "out/media"));
    assertThat(c.gifFrameDelayMs()).isEqualTo(125);
    assertThat(c.fsync()).isTrue();
    assertThat(c.rootDir().toString()).isEqualTo("out/media");
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> new MediaSinkConfig(Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining(MediaSinkConfig.ROOT_DIR_CONFIG);
    assertThatThrownBy(() -> new MediaSinkConfig(Map.of(MediaSinkConfig.ROOT_DIR_CONFIG, "x",
        MediaSinkConfig.GIF_FRAME_DELAY_CONFIG, "5")))
        .isInstanceOf(ConfigException.class).hasMessageContaining(MediaSinkConfig.GIF_FRAME_DELAY_CONFIG)
        .hasMessageContaining("at least 10");
  }

  @Test
  void theConnectorValidatesThroughItsConfigDef() {
    var result = new MediaFileSinkConnector().validate(Map.of(MediaSinkConfig.GIF_FRAME_DELAY_CONFIG, "abc"));
    assertThat(result.configValues()).anySatisfy(v -> {
      assertThat(v.name()).isEqualTo(MediaSinkConfig.GIF_FRAME_DELAY_CONFIG);
      assertThat(v.errorMessages()).isNotEmpty();
    });
  }
}
