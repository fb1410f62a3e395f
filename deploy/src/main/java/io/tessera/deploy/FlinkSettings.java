package io.tessera.deploy;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;

/**
 * How the embedded Flink cluster is set up, turned into Flink's {@link Configuration} by {@link #toConfiguration()}.
 *
 * @param workDir            the cluster's directory under the data dir: checkpoints, temp files, uploads
 * @param slots              task slots of the one task manager (every job at parallelism 1 needs one)
 * @param uiPort             first port tried for the REST API and web UI; 0 = any free port
 * @param checkpointInterval how often jobs checkpoint (offsets and operator state together)
 * @param restartAttempts    how often a failing job is restarted before it is given up (bounded: a broken job fails
 *                           instead of restarting forever)
 */
record FlinkSettings(Path workDir, int slots, int uiPort, Duration checkpointInterval, int restartAttempts) {

  static final String LOOPBACK = "127.0.0.1";
  static final int DEFAULT_SLOTS = 4;
  static final int DEFAULT_UI_PORT = 8081;
  /** If the UI port is taken, the next ones are tried, so a second stack on one machine still starts. */
  static final int UI_PORT_RANGE = 20;
  static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(2);
  static final int DEFAULT_RESTART_ATTEMPTS = 3;
  static final Duration RESTART_DELAY = Duration.ofSeconds(2);
  static final String PARENT_FIRST = "parent-first";

  FlinkSettings {
    if (slots < 1 || slots > 256) {
      throw new UsageException("--slots must be in 1..256, got " + slots);
    }
    if (uiPort < 0 || uiPort > 65535 - UI_PORT_RANGE) {
      throw new UsageException("--flink-ui-port must be 0 or in 1.." + (65535 - UI_PORT_RANGE) + ", got " + uiPort);
    }
    if (checkpointInterval.toMillis() < 100) {
      throw new UsageException("the checkpoint interval must be at least 100 ms, got " + checkpointInterval);
    }
    if (restartAttempts < 0) {
      throw new UsageException("restart attempts must be >= 0, got " + restartAttempts);
    }
  }

  static FlinkSettings defaults(Path workDir) {
    return new FlinkSettings(workDir, DEFAULT_SLOTS, DEFAULT_UI_PORT, DEFAULT_CHECKPOINT_INTERVAL,
        DEFAULT_RESTART_ATTEMPTS);
  }

  Path checkpointDir() {
    return workDir.resolve("checkpoints");
  }

  Path tmpDir() {
    return workDir.resolve("tmp");
  }

  Configuration toConfiguration() {
    Configuration c = new Configuration();
    // All six addresses: with fewer, the local cluster leaves a wildcard listener open.
    c.set(RestOptions.BIND_ADDRESS, LOOPBACK);
    c.set(RestOptions.ADDRESS, LOOPBACK);
    c.set(JobManagerOptions.BIND_HOST, LOOPBACK);
    c.set(JobManagerOptions.ADDRESS, LOOPBACK);
    c.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
    c.set(TaskManagerOptions.HOST, LOOPBACK);
    c.set(RestOptions.BIND_PORT, uiPort == 0 ? "0" : uiPort + "-" + (uiPort + UI_PORT_RANGE));

    c.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
    // This JVM already holds all of Tessera (Kafka clients, DJL, the jobs). A jar submitted to this cluster through
    // the web UI or 'up --flink' must use those classes: child-first would load a second kafka-clients (loader
    // constraint violations against Flink's connector) and a second DJL, whose native library loads only once.
    c.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, PARENT_FIRST);

    c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
    c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir().toUri().toString());
    c.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, workDir.resolve("savepoints").toUri().toString());
    c.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);

    c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restartAttempts);
    c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, RESTART_DELAY);

    // Temp files (rpc jars, blobs, web uploads) stay under the data dir instead of /tmp.
    String tmp = tmpDir().toAbsolutePath().toString();
    c.set(CoreOptions.TMP_DIRS, tmp);
    c.set(WebOptions.TMP_DIR, tmp);
    c.set(WebOptions.UPLOAD_DIR, workDir.resolve("uploads").toAbsolutePath().toString());
    c.set(BlobServerOptions.STORAGE_DIRECTORY, workDir.resolve("blobs").toAbsolutePath().toString());
    return c;
  }
}
