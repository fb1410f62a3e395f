package io.tessera.sinks.catalog;

import io.tessera.sinks.SinkConnectorsVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Writes prompts, generations, rewards and feedback into the PostgreSQL catalog (see {@link CatalogSinkConfig} and
 * the module README): tables {@code requests}, {@code generations}, {@code rewards}, {@code feedback}, upserted by
 * request id and sample index, so a team can query what was generated, by which policy version and how it scored.
 */
public final class CatalogSinkConnector extends SinkConnector {

  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    new CatalogSinkConfig(props); // fail fast on a bad key
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return CatalogSinkTask.class;
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
    return CatalogSinkConfig.CONFIG_DEF;
  }

  @Override
  public String version() {
    return SinkConnectorsVersion.VERSION;
  }
}
