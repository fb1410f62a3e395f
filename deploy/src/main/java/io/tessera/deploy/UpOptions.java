package io.tessera.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The options of {@code tessera up}, validated when parsed.
 *
 * @param kafkaPort   port of the embedded broker on 127.0.0.1 (0 = a free one); ignored with {@code bootstrap}
 * @param dataDir     where Kafka's logs, Flink's checkpoints and temp files live; reused by the next {@code up}
 * @param bootstrap   an existing Kafka to use instead of the embedded broker, or null
 * @param flink       a standing Flink cluster's REST address to submit the jobs to instead of the embedded one,
 *                    or null
 * @param gatewayPort the gateway's port on 127.0.0.1 (0 = a free one)
 * @param flinkUiPort first port tried for the embedded cluster's REST API and web UI (0 = a free one)
 * @param slots       task slots of the embedded cluster
 * @param jobOptions  options passed to the jobs ({@code --job key=value}, keys of the jobs' JobOptions)
 * @param jobJar      the jar uploaded with {@code --flink}, or null for the jar Tessera runs from
 * @param runJobs     false with {@code --no-jobs}: Kafka, topics and the gateway only
 * @param runGateway  false with {@code --no-gateway}
 * @param fresh       true with {@code --fresh}: the embedded jobs start without restoring their last checkpoints
 * @param demo        false with {@code --no-demo}: do not generate the demo clip once the stack is up
 * @param sinks       false with {@code --no-sinks}: no Kafka Connect worker (media files, catalog)
 * @param catalog     false with {@code --no-catalog}: the Connect worker runs the media file sink only
 * @param catalogJdbc {@code --catalog-jdbc URL}: the PostgreSQL the catalog sink writes to, or null for an
 *                    embedded PostgreSQL under the data dir
 */
record UpOptions(int kafkaPort, Path dataDir, HostPort bootstrap, HostPort flink, int gatewayPort, int flinkUiPort,
    int slots, Map<String, String> jobOptions, Path jobJar, boolean runJobs, boolean runGateway, boolean fresh,
    boolean demo, boolean sinks, boolean catalog, String catalogJdbc) {

  static final int DEFAULT_KAFKA_PORT = 9092;
  static final String DEFAULT_DATA_DIR = ".tessera";
  static final int DEFAULT_GATEWAY_PORT = 8080;

  static final String HELP = """
      Usage: tessera up [options]

      Starts the local stack and runs until Ctrl-C (or SIGTERM), then stops it in reverse order:
        1. a Kafka broker (KRaft, in this process) and every Tessera topic
        2. an embedded Flink cluster (checkpointing on) running the generation, decode and reward jobs
        3. the HTTP gateway (with the dashboard at /) and the request status store (Kafka Streams)
        4. a Kafka Connect worker with the media file sink (DIR/media) and the catalog sink into PostgreSQL
           (an embedded one under DIR/postgres unless --catalog-jdbc is given)
      Everything listens on 127.0.0.1. Running 'up' again reuses the data directory: Kafka keeps its topics and
      records, and each job resumes from its last checkpoint.

      Options:
        --port PORT            Kafka port (default %d; 0 = any free port)
        --data-dir DIR         data directory (default %s)
        --bootstrap HOST:PORT  use this Kafka instead of starting one (topics are still created)
        --flink HOST:PORT      submit the jobs to this Flink cluster's REST API instead of the embedded cluster
        --job-jar PATH         with --flink: the jar to upload (default: the jar Tessera runs from)
        --gateway-port PORT    gateway port (default %d; 0 = any free port)
        --flink-ui-port PORT   first port tried for the Flink web UI (default %d; 0 = any free port)
        --slots N              task slots of the embedded Flink cluster (default %d)
        --job KEY=VALUE        a job option, repeatable (e.g. --job checkpoint-interval=5s --job engine.max-batch=8)
        --fresh                start the embedded jobs from scratch instead of their last checkpoints
        --no-jobs              do not run the Flink jobs
        --no-gateway           do not start the gateway
        --no-sinks             do not start the Kafka Connect sinks
        --no-catalog           run the media file sink only (no PostgreSQL)
        --catalog-jdbc URL     write the catalog to this PostgreSQL (jdbc:postgresql://HOST:PORT/DB?user=..)
        --no-demo              do not generate the demo clip (by default one prompt goes through the whole
                               pipeline once the stack is up, and its frames, GIF and WAV land in DIR/demo)
        --help                 this text
      """.formatted(DEFAULT_KAFKA_PORT, DEFAULT_DATA_DIR, DEFAULT_GATEWAY_PORT, FlinkSettings.DEFAULT_UI_PORT,
      FlinkSettings.DEFAULT_SLOTS);

  static final Set<String> VALUED = Set.of("port", "data-dir", "bootstrap", "flink", "job-jar", "gateway-port",
      "flink-ui-port", "slots", "job", "catalog-jdbc");
  static final Set<String> FLAGS = Set.of("no-jobs", "no-gateway", "fresh", "no-demo", "no-sinks", "no-catalog",
      "help");

  UpOptions {
    jobOptions = Map.copyOf(jobOptions);
  }

  static UpOptions parse(Args args) {
    args.requireNoPositional();
    Map<String, String> jobOptions = new LinkedHashMap<>();
    for (String kv : args.all("job")) {
      int eq = kv.indexOf('=');
      if (eq <= 0 || eq == kv.length() - 1) {
        throw new UsageException("--job expects KEY=VALUE (e.g. --job checkpoint-interval=5s), got '" + kv + "'");
      }
      jobOptions.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    String jobJar = args.get("job-jar", null);
    HostPort flink = args.hostPort("flink");
    if (jobJar != null && flink == null) {
      throw new UsageException("--job-jar only applies with --flink HOST:PORT");
    }
    return new UpOptions(
        args.intValue("port", DEFAULT_KAFKA_PORT, 0, 65535),
        Path.of(args.get("data-dir", DEFAULT_DATA_DIR)),
        args.hostPort("bootstrap"),
        flink,
        args.intValue("gateway-port", DEFAULT_GATEWAY_PORT, 0, 65535),
        args.intValue("flink-ui-port", FlinkSettings.DEFAULT_UI_PORT, 0, 65535 - FlinkSettings.UI_PORT_RANGE),
        args.intValue("slots", FlinkSettings.DEFAULT_SLOTS, 1, 256),
        jobOptions,
        jobJar == null ? null : Path.of(jobJar),
        !args.flag("no-jobs"),
        !args.flag("no-gateway"),
        args.flag("fresh"),
        !args.flag("no-demo"),
        !args.flag("no-sinks"),
        !args.flag("no-catalog"),
        catalogJdbc(args.get("catalog-jdbc", null)));
  }

  private static String catalogJdbc(String url) {
    if (url != null && !url.startsWith("jdbc:postgresql:")) {
      throw new UsageException("--catalog-jdbc expects a PostgreSQL JDBC URL (jdbc:postgresql://HOST:PORT/DB), got '"
          + url + "'");
    }
    return url;
  }
}
