package io.tessera.sinks.media;

import io.tessera.sinks.SinkConnectorsVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Writes the decoded media of {@code tessera.media.out} to files: one folder per request and sample with the PNG
 * frames, an animated GIF and a WAV (see {@link MediaSinkConfig} and the module README). Every task gets the same
 * config; a request's chunks share a key and so a partition, so exactly one task writes each folder.
 */
public final class MediaFileSinkConnector extends SinkConnector {

  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    new MediaSinkConfig(props); // fail fast on a bad key
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return MediaFileSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) {
      configs.add(props);
    }
    return configs;
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return MediaSinkConfig.CONFIG_DEF;
  }

  @Override
  public String version() {
    return SinkConnectorsVersion.VERSION;
  }
}
