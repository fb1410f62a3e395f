package io.tessera.sinks.common;

import io.tessera.sinks.SinkConnectorsVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * A sink connector whose tasks all get the connector's own config, checked once at start: what both Tessera
 * sinks are. A subclass names its config check, task class and {@link ConfigDef}.
 */
public abstract class SameConfigSinkConnector extends SinkConnector {

  private final Consumer<Map<String, String>> check;
  private final Class<? extends Task> taskClass;
  private final ConfigDef configDef;
  private Map<String, String> props;

  /**
   * @param check     throws on a bad key or value (e.g. the config class's constructor)
   * @param taskClass the task every config goes to
   * @param configDef the keys, defaults and documentation
   */
  protected SameConfigSinkConnector(Consumer<Map<String, String>> check, Class<? extends Task> taskClass,
      ConfigDef configDef) {
    this.check = check;
    this.taskClass = taskClass;
    this.configDef = configDef;
  }

  @Override
  public void start(Map<String, String> props) {
    check.accept(props); // fail fast on a bad key
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return taskClass;
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
    return configDef;
  }

  @Override
  public String version() {
    return SinkConnectorsVersion.VERSION;
  }
}
