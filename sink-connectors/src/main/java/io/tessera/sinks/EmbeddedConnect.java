package io.tessera.sinks;

import io.tessera.schemas.Topics;
import io.tessera.sinks.catalog.CatalogSinkConfig;
import io.tessera.sinks.catalog.CatalogSinkConnector;
import io.tessera.sinks.media.MediaFileSinkConnector;
import io.tessera.sinks.media.MediaSinkConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.StringConverter;
import org.apache.kafka.connect.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone Kafka Connect worker in this JVM running Tessera's sinks: the media file sink always, the catalog sink
 * when a JDBC URL is given. REST listens on 127.0.0.1; plugins are found through {@code META-INF/services}
 * ({@code plugin.discovery=service_load}); source offsets (none today) go to a file under the data directory, sink
 * offsets to the consumer groups {@code connect-<connector name>}. Bad records go to {@code tessera.dlq} through
 * Connect's dead-letter queue ({@code errors.tolerance=all}).
 *
 * <pre>{@code
 * try (EmbeddedConnect connect = EmbeddedConnect.start(bootstrap, dataDir, dataDir.resolve("media"), jdbcUrl)) {
 *   ... connect.restUri() ...
 * }
 * }</pre>
 */
public final class EmbeddedConnect implements AutoCloseable {

  /** Name (and consumer group suffix) of the media file sink. */
  public static final String MEDIA_CONNECTOR = "tessera-media-files";
  /** Name (and consumer group suffix) of the catalog sink. */
  public static final String CATALOG_CONNECTOR = "tessera-catalog";
  /** Consumer groups of sink connectors are named {@code connect-<name>} by Connect. */
  public static final String GROUP_PREFIX = "connect-";
  /** How often sink offsets are committed by default. */
  public static final long DEFAULT_OFFSET_FLUSH_MS = 5_000;
  private static final long CONNECTOR_START_TIMEOUT_S = 60;
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedConnect.class);

  private final Connect<?> connect;
  private final List<String> connectors;

  private EmbeddedConnect(Connect<?> connect, List<String> connectors) {
    this.connect = connect;
    this.connectors = List.copyOf(connectors);
  }

  /**
   * Starts a worker with the media sink writing to {@code mediaRoot} and, when {@code jdbcUrl} is present, the
   * catalog sink, REST on a free port of 127.0.0.1.
   *
   * @param bootstrapServers the Kafka cluster
   * @param dataDir the worker's own files go to {@code <dataDir>/connect}
   */
  public static EmbeddedConnect start(String bootstrapServers, Path dataDir, Path mediaRoot,
      Optional<String> jdbcUrl) {
    Builder b = builder(bootstrapServers, dataDir).mediaRoot(mediaRoot);
    jdbcUrl.ifPresent(b::optCatalog);
    return b.start();
  }

  public static Builder builder(String bootstrapServers, Path dataDir) {
    return new Builder(bootstrapServers, dataDir);
  }

  /** Options of a worker; {@code bootstrapServers} and {@code dataDir} are required, the rest optional. */
  public static final class Builder {
    private final String bootstrapServers;
    private final Path dataDir;
    private Path mediaRoot;
    private String jdbcUrl;
    private int restPort;
    private long offsetFlushMs = DEFAULT_OFFSET_FLUSH_MS;
    private final Map<String, String> workerOverrides = new LinkedHashMap<>();
    private final Map<String, String> mediaOverrides = new LinkedHashMap<>();
    private final Map<String, String> catalogOverrides = new LinkedHashMap<>();

    private Builder(String bootstrapServers, Path dataDir) {
      this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath();
      this.mediaRoot = this.dataDir.resolve("media");
    }

    /** Where the media sink writes (default {@code <dataDir>/media}). */
    public Builder mediaRoot(Path mediaRoot) {
      this.mediaRoot = Objects.requireNonNull(mediaRoot, "mediaRoot").toAbsolutePath();
      return this;
    }

    /** Also run the catalog sink against this PostgreSQL database. */
    public Builder optCatalog(String jdbcUrl) {
      this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      return this;
    }

    /** REST port on 127.0.0.1 (default 0: a free one). */
    public Builder optRestPort(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("REST port must be in [0, 65535], got " + port);
      }
      this.restPort = port;
      return this;
    }

    /** How often sink offsets are committed ({@code offset.flush.interval.ms}). */
    public Builder optOffsetFlushMs(long ms) {
      if (ms < 100) {
        throw new IllegalArgumentException("offset flush interval must be >= 100 ms, got " + ms);
      }
      this.offsetFlushMs = ms;
      return this;
    }

    /** Any other worker property (wins over the defaults). */
    public Builder optWorkerProperty(String key, String value) {
      workerOverrides.put(key, value);
      return this;
    }

    /** Any other media connector property (wins over the defaults). */
    public Builder optMediaProperty(String key, String value) {
      mediaOverrides.put(key, value);
      return this;
    }

    /** Any other catalog connector property (wins over the defaults). */
    public Builder optCatalogProperty(String key, String value) {
      catalogOverrides.put(key, value);
      return this;
    }

    public EmbeddedConnect start() {
      Path home = dataDir.resolve("connect");
      try {
        Files.createDirectories(home);
        Files.createDirectories(mediaRoot);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + home + " or " + mediaRoot, e);
      }
      Map<String, String> worker = workerConfig(bootstrapServers, home, restPort, offsetFlushMs);
      worker.putAll(workerOverrides);
      Map<String, Map<String, String>> connectorConfigs = new LinkedHashMap<>();
      Map<String, String> media = mediaConnectorConfig(mediaRoot);
      media.putAll(mediaOverrides);
      connectorConfigs.put(MEDIA_CONNECTOR, media);
      if (jdbcUrl != null) {
        Map<String, String> catalog = catalogConnectorConfig(jdbcUrl);
        catalog.putAll(catalogOverrides);
        connectorConfigs.put(CATALOG_CONNECTOR, catalog);
      }
      return EmbeddedConnect.start(worker, connectorConfigs);
    }
  }

  /** The worker properties this class runs with (before overrides). */
  static Map<String, String> workerConfig(String bootstrapServers, Path home, int restPort, long offsetFlushMs) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(WorkerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // Without an explicit listener the REST server binds every interface.
    p.put("listeners", "http://127.0.0.1:" + restPort);
    // Plugins come from META-INF/services only: fast, and no reflective scan of the whole class path.
    p.put(WorkerConfig.PLUGIN_DISCOVERY_CONFIG, "service_load");
    p.put(StandaloneConfig.OFFSET_STORAGE_FILE_FILENAME_CONFIG, home.resolve("offsets.dat").toString());
    p.put(WorkerConfig.OFFSET_COMMIT_INTERVAL_MS_CONFIG, Long.toString(offsetFlushMs));
    p.put(WorkerConfig.KEY_CONVERTER_CLASS_CONFIG, StringConverter.class.getName());
    p.put(WorkerConfig.VALUE_CONVERTER_CLASS_CONFIG, ByteArrayConverter.class.getName());
    // A media chunk is up to Topics.MEDIA_MAX_MESSAGE_BYTES; a dead letter wraps one.
    p.put("consumer.max.partition.fetch.bytes", Integer.toString(Topics.MEDIA_OUT.maxMessageBytes()));
    p.put("producer.max.request.size", Integer.toString(Topics.DLQ.maxMessageBytes()));
    // Flink's exactly-once sinks write in transactions: never write what an aborted transaction held.
    p.put("consumer.isolation.level", "read_committed");
    return p;
  }

  /** What both sinks share: byte values, string keys, bad records to tessera.dlq as Tessera dead letters. */
  private static Map<String, String> sinkDefaults(String name, Class<?> connectorClass, String topics) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put(ConnectorConfig.NAME_CONFIG, name);
    c.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, connectorClass.getName());
    c.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
    c.put(SinkConnectorConfig.TOPICS_CONFIG, topics);
    c.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, StringConverter.class.getName());
    c.put(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG, ByteArrayConverter.class.getName());
    c.put(ConnectorConfig.ERRORS_TOLERANCE_CONFIG, "all");
    // DeadLetterReporter logs one line per dead letter; Connect's log reporter would add a stack trace each.
    c.put(ConnectorConfig.ERRORS_LOG_ENABLE_CONFIG, "false");
    c.put(SinkConnectorConfig.DLQ_TOPIC_NAME_CONFIG, Topics.DLQ.name());
    c.put(SinkConnectorConfig.DLQ_TOPIC_REPLICATION_FACTOR_CONFIG, "1");
    c.put(SinkConnectorConfig.DLQ_CONTEXT_HEADERS_ENABLE_CONFIG, "true");
    return c;
  }

  /** The media sink's connector config (before overrides). */
  public static Map<String, String> mediaConnectorConfig(Path mediaRoot) {
    Map<String, String> c = sinkDefaults(MEDIA_CONNECTOR, MediaFileSinkConnector.class, Topics.MEDIA_OUT.name());
    c.put(MediaSinkConfig.ROOT_DIR_CONFIG, mediaRoot.toAbsolutePath().toString());
    return c;
  }

  /** The catalog sink's connector config (before overrides). */
  public static Map<String, String> catalogConnectorConfig(String jdbcUrl) {
    Map<String, String> c = sinkDefaults(CATALOG_CONNECTOR, CatalogSinkConnector.class,
        CatalogSinkConfig.DEFAULT_TOPICS);
    c.put(CatalogSinkConfig.CONNECTION_URL_CONFIG, jdbcUrl);
    return c;
  }

  /**
   * Starts a worker with these properties and creates these connectors (name to config), waiting until each is
   * accepted. Nothing of the worker is left running if any step fails.
   */
  public static EmbeddedConnect start(Map<String, String> workerProps, Map<String, Map<String, String>> connectors) {
    Connect<?> connect = startWorker(workerProps);
    try {
      Herder herder = connect.herder();
      for (Map.Entry<String, Map<String, String>> e : connectors.entrySet()) {
        FutureCallback<Herder.Created<ConnectorInfo>> done = new FutureCallback<>();
        herder.putConnectorConfig(e.getKey(), e.getValue(), true, done);
        done.get(CONNECTOR_START_TIMEOUT_S, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopQuietly(connect);
      throw new ConnectException("interrupted while creating the connectors", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      stopQuietly(connect);
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new ConnectException("Connect worker could not create its connectors: " + cause.getMessage(), cause);
    }
    EmbeddedConnect ec = new EmbeddedConnect(connect, new ArrayList<>(connectors.keySet()));
    LOG.info("Kafka Connect worker at {} running {}", ec.restUri(), connectors.keySet());
    return ec;
  }

  private static Connect<?> startWorker(Map<String, String> workerProps) {
    Thread current = Thread.currentThread();
    ClassLoader saved = current.getContextClassLoader();
    // ConnectStandalone calls Exit.exit(3) when the worker fails to start; in a shared JVM that must be an
    // exception, not the end of the process. The procedure is restored right after.
    Exit.setExitProcedure((code, message) -> {
      throw new ConnectException("Connect worker failed to start (exit status " + code + ")"
          + (message == null ? "" : ": " + message));
    });
    try {
      return new ConnectStandalone().startConnect(workerProps);
    } finally {
      Exit.resetExitProcedure();
      current.setContextClassLoader(saved); // startConnect swaps in its plugin loader and leaves it
    }
  }

  private static void stopQuietly(Connect<?> connect) {
    try {
      connect.stop();
      connect.awaitStop();
    } catch (RuntimeException e) {
      LOG.warn("Connect worker did not stop cleanly: {}", e.getMessage());
    }
  }

  /** The REST API, e.g. {@code http://127.0.0.1:PORT/}; {@code GET connectors?expand=status} lists the sinks. */
  public URI restUri() {
    return connect.rest().serverUrl();
  }

  /** The connectors this worker was started with. */
  public List<String> connectors() {
    return connectors;
  }

  /**
   * Whether the connector and all its tasks (at least one) are RUNNING.
   */
  public boolean running(String connector) {
    try {
      ConnectorStateInfo s = connect.herder().connectorStatus(connector);
      return "RUNNING".equals(s.connector().state()) && !s.tasks().isEmpty()
          && s.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The connector's and its tasks' states with any failure trace, for messages. */
  public String status(String connector) {
    try {
      ConnectorStateInfo s = connect.herder().connectorStatus(connector);
      StringBuilder sb = new StringBuilder(connector).append(' ').append(s.connector().state());
      s.tasks().forEach(t -> sb.append(", task ").append(t.id()).append(' ').append(t.state())
          .append(t.trace() == null ? "" : " " + t.trace()));
      return sb.toString();
    } catch (RuntimeException e) {
      return connector + " unknown (" + e.getMessage() + ")";
    }
  }

  /** Stops the connectors (committing their offsets) and the worker. */
  @Override
  public void close() {
    stopQuietly(connect);
  }
}
