package io.tessera.embedded;

import io.tessera.schemas.Topic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker and KRaft controller running in this JVM.
 *
 * <p>{@link #start(Path, int)} formats {@code dataDir/kafka} on first use (Kafka's storage formatter, exactly what
 * {@code kafka-storage.sh format} runs) and reuses it afterwards, so records survive a restart. Every listener binds
 * 127.0.0.1. While it runs it holds {@code dataDir/kafka.lock}, so a second broker on the same directory fails at
 * once instead of corrupting the log. {@link #close()} shuts the server down and waits for it.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  /** How long {@link #start} and {@link #createTopics} wait for the broker to answer before giving up. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final String KAFKA_SUBDIR = "kafka";
  private static final String LOCK_FILE = "kafka.lock";
  /** One broker: every topic has one replica. */
  private static final short REPLICATION_FACTOR = 1;

  private final BrokerSettings settings;
  private final KafkaRaftServer server;
  private final DataDirLock lock;
  private boolean closed;

  private EmbeddedKafka(BrokerSettings settings, KafkaRaftServer server, DataDirLock lock) {
    this.settings = settings;
    this.server = server;
    this.lock = lock;
  }

  /**
   * Starts a broker whose logs live under {@code dataDir/kafka}.
   *
   * @param dataDir created if missing; an already formatted directory is reused with its data
   * @param port the client port on 127.0.0.1, or 0 for a free one
   * @throws EmbeddedKafkaException if the directory cannot be used or the broker does not come up
   */
  public static EmbeddedKafka start(Path dataDir, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 (any free port) or in 1..65535, got " + port);
    }
    long t0 = System.nanoTime();
    Path logDir = dataDir.resolve(KAFKA_SUBDIR).toAbsolutePath();
    int clientPort = port == 0 ? freePort() : port;
    int controllerPort = freePort();
    while (controllerPort == clientPort) {
      controllerPort = freePort();
    }
    BrokerSettings settings = new BrokerSettings(logDir, clientPort, controllerPort);
    KafkaConfig config = new KafkaConfig(settings.toProperties(), false);
    // Before anything touches the directory: a second server on the same metadata log corrupts it.
    DataDirLock lock = DataDirLock.acquire(dataDir.resolve(LOCK_FILE), "a running Kafka broker");
    KafkaRaftServer server;
    try {
      format(logDir);
      server = new KafkaRaftServer(config, Time.SYSTEM);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
    EmbeddedKafka kafka = new EmbeddedKafka(settings, server, lock);
    try {
      server.startup();
      kafka.awaitReady();
    } catch (RuntimeException e) {
      kafka.close();
      throw new EmbeddedKafkaException("Kafka did not start on " + settings.bootstrapServers() + " with data in "
          + logDir + ": " + rootMessage(e), e);
    }
    LOG.info("Kafka broker up at {} (data {}) in {} ms", settings.bootstrapServers(), logDir,
        (System.nanoTime() - t0) / 1_000_000);
    return kafka;
  }

  /** {@code 127.0.0.1:PORT}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return settings.bootstrapServers();
  }

  /** The KRaft controller's port on 127.0.0.1 (chosen at each start; clients never need it). */
  int controllerPort() {
    return settings.controllerPort();
  }

  /** The directory holding this broker's logs. */
  public Path logDir() {
    return settings.logDir();
  }

  /**
   * Creates the topics (name, partitions, configs of each descriptor) with replication factor 1; topics that
   * already exist are left as they are. Returns once every partition of every topic has a leader.
   */
  public void createTopics(List<Topic<?>> topics) {
    createTopics(bootstrapServers(), topics);
  }

  /** {@link #createTopics(List)} on any cluster reachable at {@code bootstrapServers} (e.g. {@code up --bootstrap}). */
  public static void createTopics(String bootstrapServers, List<Topic<?>> topics) {
    List<NewTopic> newTopics = new ArrayList<>();
    for (Topic<?> t : topics) {
      newTopics.add(new NewTopic(t.name(), t.partitions(), REPLICATION_FACTOR).configs(t.configs()));
    }
    createNewTopics(bootstrapServers, newTopics);
  }

  /**
   * Creates Kafka {@link NewTopic}s (e.g. a test's own topics) idempotently on any cluster reachable at
   * {@code bootstrapServers}, and waits until each partition has a leader.
   */
  public static void createNewTopics(String bootstrapServers, Collection<NewTopic> topics) {
    try (Admin admin = Admin.create(adminConfig(bootstrapServers))) {
      List<String> created = new ArrayList<>();
      for (Map.Entry<String, KafkaFuture<Void>> result : admin.createTopics(topics).values().entrySet()) {
        try {
          result.getValue().get();
          created.add(result.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new EmbeddedKafkaException("Could not create topic " + result.getKey() + " on " + bootstrapServers
                + ": " + rootMessage(e), e);
          }
        }
      }
      awaitLeaders(admin, topics.stream().map(NewTopic::name).toList(), bootstrapServers);
      if (!created.isEmpty()) {
        LOG.info("Created topics {}", created);
      }
      LOG.debug("{} topics ready on {}", topics.size(), bootstrapServers);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("Interrupted while creating topics on " + bootstrapServers, e);
    }
  }

  /** Shuts the broker and controller down and waits until they have stopped. Safe to call twice. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long t0 = System.nanoTime();
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      lock.close();
    }
    LOG.info("Kafka broker at {} stopped in {} ms", bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
  }

  static Map<String, Object> adminConfig(String bootstrapServers) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    cfg.put(AdminClientConfig.CLIENT_ID_CONFIG, "tessera-admin");
    cfg.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
    cfg.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    return cfg;
  }

  /** Formats the log directory unless it already holds a formatted Kafka log (then its data is reused). */
  private static void format(Path logDir) {
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new EmbeddedKafkaException("Cannot create the Kafka data directory " + logDir + ": " + e.getMessage(), e);
    }
    if (Files.exists(logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
      LOG.info("Reusing Kafka data in {}", logDir);
      return;
    }
    try {
      new Formatter()
          .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
          .setNodeId(BrokerSettings.NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setControllerListenerName(BrokerSettings.CONTROLLER_LISTENER)
          .setMetadataLogDirectory(logDir.toString())
          .setIgnoreFormatted(true)
          .addDirectory(logDir.toString())
          .run();
    } catch (Exception e) {
      throw new EmbeddedKafkaException("Cannot format the Kafka data directory " + logDir + ": " + rootMessage(e), e);
    }
    LOG.info("Formatted a new Kafka data directory {}", logDir);
  }

  /** Waits until the broker answers an Admin request and reports itself as the one node of the cluster. */
  private void awaitReady() {
    try (Admin admin = Admin.create(adminConfig(bootstrapServers()))) {
      int nodes = admin.describeCluster().nodes().get().size();
      if (nodes != 1) {
        throw new EmbeddedKafkaException("expected one broker, the cluster reports " + nodes, null);
      }
    } catch (ExecutionException e) {
      throw new EmbeddedKafkaException("the broker does not answer: " + rootMessage(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("interrupted while waiting for the broker", e);
    }
  }

  private static void awaitLeaders(Admin admin, List<String> names, String bootstrapServers)
      throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      List<String> missing = new ArrayList<>();
      try {
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
        for (String name : names) {
          TopicDescription d = described.get(name);
          if (d == null || d.partitions().stream().map(TopicPartitionInfo::leader).anyMatch(l -> l == null)) {
            missing.add(name);
          }
        }
      } catch (ExecutionException e) {
        missing = names; // metadata not propagated yet (UnknownTopicOrPartition): ask again
      }
      if (missing.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new EmbeddedKafkaException("Topics " + missing + " have no leader on " + bootstrapServers + " after "
            + READY_TIMEOUT.toSeconds() + " s", null);
      }
      Thread.sleep(50); // polling interval while the controller's metadata reaches the broker
    }
  }

  /** A port that was free on 127.0.0.1 a moment ago. */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(BrokerSettings.HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + BrokerSettings.HOST, e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg = t.getMessage();
    return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  @Override
  public String toString() {
    return "EmbeddedKafka[" + bootstrapServers() + ", " + logDir() + "]";
  }
}
