package io.tessera.deploy;

import io.tessera.embedded.DataDirLock;
import io.tessera.embedded.EmbeddedKafka;
import io.tessera.embedded.EmbeddedKafkaException;
import io.tessera.jobs.JobConfig;
import io.tessera.schemas.Topics;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running parts of {@code tessera up}. {@link #start} brings them up in order (Kafka, topics, Flink and its
 * jobs, gateway); {@link #close} stops whatever was started, in reverse order. A part that fails to start stops the
 * ones before it.
 */
final class LocalStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
  /** Held while the stack runs: two stacks on one data dir would share Kafka's log and Flink's checkpoints. */
  static final String LOCK_FILE = "tessera.lock";

  /** A started part and how to stop it. */
  private record Part(String name, AutoCloseable stop) {}

  private final Deque<Part> parts = new ArrayDeque<>();
  private String bootstrap;
  private URI flinkUi;
  private URI gateway;
  private SinksPart sinks;
  private String apiKey;
  private List<JobsPart.Started> jobs = List.of();
  private boolean closed;

  private LocalStack() {}

  static LocalStack start(UpOptions o) {
    LocalStack stack = new LocalStack();
    try {
      stack.startAll(o);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(UpOptions o) {
    Path dataDir = o.dataDir().toAbsolutePath().normalize();
    try {
      Files.createDirectories(dataDir);
    } catch (java.io.IOException e) {
      throw new StackException("Cannot create the data directory " + dataDir + ": " + e.getMessage()
          + "; pass --data-dir DIR", e);
    }
    try {
      parts.push(new Part("data dir lock", DataDirLock.acquire(dataDir.resolve(LOCK_FILE), "a running 'tessera up'")));
    } catch (EmbeddedKafkaException e) {
      throw new StackException(e.getMessage(), e);
    }

    if (o.bootstrap() == null) {
      EmbeddedKafka kafka = startKafka(dataDir, o.kafkaPort());
      parts.push(new Part("Kafka", kafka));
      bootstrap = kafka.bootstrapServers();
    } else {
      bootstrap = o.bootstrap().toString();
      checkKafka(bootstrap);
    }
    EmbeddedKafka.createTopics(bootstrap, Topics.ALL);
    LOG.info("{} topics ready on {}", Topics.ALL.size(), bootstrap);

    if (o.sinks()) {
      sinks = SinksPart.start(bootstrap, dataDir, o.catalog(), o.catalogJdbc());
      parts.push(new Part("Kafka Connect sinks", sinks));
    }

    if (o.runJobs()) {
      JobConfig jobConfig = JobsPart.jobConfig(bootstrap, o.jobOptions());
      if (o.flink() == null) {
        EmbeddedFlink flink = EmbeddedFlink.start(new FlinkSettings(dataDir.resolve("flink"), o.slots(),
            o.flinkUiPort(), jobConfig.checkpointInterval(), FlinkSettings.DEFAULT_RESTART_ATTEMPTS));
        parts.push(new Part("Flink", flink));
        flinkUi = flink.hasWebUi() ? flink.restAddress() : null;
        JobsPart running = JobsPart.runEmbedded(flink, jobConfig, !o.fresh());
        parts.push(new Part("jobs", running));
        jobs = running.started();
      } else {
        FlinkRestClient remote = FlinkRestClient.of(o.flink());
        JobsPart running = JobsPart.submitRemote(remote, jobJar(o), bootstrap, o.jobOptions());
        parts.push(new Part("jobs", running));
        flinkUi = remote.webUrl();
        jobs = running.started();
      }
    }

    if (o.runGateway()) {
      GatewayPart gw = GatewayPart.start(bootstrap, dataDir, o.gatewayPort());
      parts.push(new Part("gateway", gw));
      gateway = gw.baseUri();
      apiKey = gw.developmentKey();
    }
  }

  private static EmbeddedKafka startKafka(Path dataDir, int port) {
    try {
      return EmbeddedKafka.start(dataDir, port);
    } catch (RuntimeException e) {
      String why = Failures.rootMessage(e);
      String hint = why.contains("Address already in use") ? "; another Kafka may be running there, pass --port "
          + "PORT (0 = any free port) or --bootstrap HOST:PORT to use it"
          : why.contains("lock") ? "; another 'tessera up' uses " + dataDir + ", stop it or pass --data-dir DIR"
          : "; see the log above";
      throw new StackException("Kafka did not start: " + why + hint, e);
    }
  }

  /** Fails fast when no Kafka answers at {@code bootstrap}, rather than hanging in the first client. */
  private static void checkKafka(String bootstrap) {
    Map<String, Object> cfg = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    try (Admin admin = Admin.create(cfg)) {
      int nodes = admin.describeCluster().nodes().get().size();
      LOG.info("Using Kafka at {} ({} broker{})", bootstrap, nodes, nodes == 1 ? "" : "s");
    } catch (ExecutionException e) {
      throw new StackException("No Kafka answers at --bootstrap " + bootstrap + " (" + Failures.rootMessage(e)
          + "); start it or drop --bootstrap to run an embedded one", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while contacting Kafka", e);
    }
  }

  private static Path jobJar(UpOptions o) {
    if (o.jobJar() != null) {
      if (!Files.isRegularFile(o.jobJar())) {
        throw new UsageException("--job-jar " + o.jobJar() + " is not a file");
      }
      return o.jobJar();
    }
    try {
      Path self = Path.of(Tessera.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(self) && self.toString().endsWith(".jar")) {
        return self;
      }
    } catch (Exception e) {
      // fall through to the usage error
    }
    throw new UsageException("--flink needs a job jar: run from bin/tessera (the fat jar) or pass --job-jar PATH");
  }

  String bootstrapServers() {
    return bootstrap;
  }

  /** The Flink web UI (embedded or the standing cluster's), or null when there is none. */
  URI flinkUi() {
    return flinkUi;
  }

  /** The gateway's base URI, or null with {@code --no-gateway}. */
  URI gateway() {
    return gateway;
  }

  /** The development API key, or null without the gateway. */
  String apiKey() {
    return apiKey;
  }

  /** The Connect sinks, or null with {@code --no-sinks}. */
  SinksPart sinks() {
    return sinks;
  }

  List<JobsPart.Started> jobs() {
    return jobs;
  }

  /** Stops every started part, newest first; a part that fails to stop is logged and the rest still stop. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!parts.isEmpty()) {
      Part part = parts.pop();
      try {
        part.stop().close();
      } catch (Exception e) {
        LOG.warn("{} did not stop cleanly: {}", part.name(), Failures.rootMessage(e));
      }
    }
  }
}
