package io.tessera.deploy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.PipelineOptionsInternal;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink cluster (job manager, one task manager, REST API and, with flink-runtime-web on the classpath, the web
 * UI) inside this JVM, on 127.0.0.1. Jobs are built on {@link #newEnvironment()} and started with
 * {@code env.executeAsync(name)}; they all run in this one cluster.
 */
final class EmbeddedFlink implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedFlink.class);
  private static final long SHUTDOWN_TIMEOUT_S = 60;

  private final FlinkSettings settings;
  private final MiniCluster cluster;
  private final Configuration configuration;
  private final URI restAddress;
  private final boolean webUi;

  private EmbeddedFlink(FlinkSettings settings, MiniCluster cluster, Configuration configuration, URI restAddress,
      boolean webUi) {
    this.settings = settings;
    this.cluster = cluster;
    this.configuration = configuration;
    this.restAddress = restAddress;
    this.webUi = webUi;
  }

  static EmbeddedFlink start(FlinkSettings settings) {
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(settings.tmpDir());
      Files.createDirectories(settings.checkpointDir());
    } catch (IOException e) {
      throw new StackException("Cannot create the Flink work directory " + settings.workDir() + ": " + e.getMessage(),
          e);
    }
    Configuration conf = settings.toConfiguration();
    MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(conf)
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(settings.slots())
        .build());
    try {
      cluster.start();
      URI rest = cluster.getRestAddress().get(SHUTDOWN_TIMEOUT_S, TimeUnit.SECONDS);
      boolean ui = webUiOnClasspath();
      LOG.info("Flink cluster up ({} slots, REST {}{}) in {} ms", settings.slots(), rest, ui ? " with web UI" : "",
          (System.nanoTime() - t0) / 1_000_000);
      return new EmbeddedFlink(settings, cluster, conf, rest, ui);
    } catch (Exception e) {
      cluster.closeAsync();
      throw new StackException("The embedded Flink cluster did not start: " + Failures.rootMessage(e)
          + " (is port " + settings.uiPort() + " in use? try --flink-ui-port 0)", e);
    }
  }

  /**
   * A fresh environment whose {@code executeAsync} submits to this cluster. It carries the cluster's settings
   * (checkpointing, restart strategy), which a job may override.
   */
  StreamExecutionEnvironment newEnvironment() {
    return newEnvironment(new Configuration(configuration));
  }

  /**
   * An environment for the job named {@code jobName} with a job id derived from the name, so its checkpoints land in
   * the same directory on every {@code up}. With {@code resume}, the job restores the latest checkpoint found there
   * (state and Kafka offsets); without, that directory is cleared first.
   */
  StreamExecutionEnvironment newEnvironment(String jobName, boolean resume) {
    Configuration jobConf = new Configuration(configuration);
    JobID id = stableJobId(jobName);
    jobConf.set(PipelineOptionsInternal.PIPELINE_FIXED_JOB_ID, id.toHexString());
    Path jobCheckpoints = settings.checkpointDir().resolve(id.toHexString());
    if (resume) {
      Optional<Path> latest = Checkpoints.latest(jobCheckpoints);
      if (latest.isPresent()) {
        jobConf.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.get().toUri().toString());
        // State of operators that no longer exist is dropped instead of failing the job.
        jobConf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
        // The job owns the restored checkpoint and deletes it once newer ones exist: no pile-up across runs.
        jobConf.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.CLAIM);
        LOG.info("Job {} resumes from {}", jobName, settings.workDir().relativize(latest.get()));
      }
    } else {
      Checkpoints.delete(jobCheckpoints);
    }
    return newEnvironment(jobConf);
  }

  private StreamExecutionEnvironment newEnvironment(Configuration jobConf) {
    jobConf.set(DeploymentOptions.TARGET, SharedClusterExecutors.NAME);
    jobConf.set(DeploymentOptions.ATTACHED, false);
    return new StreamExecutionEnvironment(new SharedClusterExecutors(cluster), jobConf,
        Thread.currentThread().getContextClassLoader());
  }

  /** The same id for the same job name, run after run. */
  static JobID stableJobId(String jobName) {
    UUID uuid = UUID.nameUUIDFromBytes(("tessera-job:" + jobName).getBytes(StandardCharsets.UTF_8));
    return new JobID(uuid.getLeastSignificantBits(), uuid.getMostSignificantBits());
  }

  /** The REST endpoint, which also serves the web UI when flink-runtime-web is present. */
  URI restAddress() {
    return restAddress;
  }

  boolean hasWebUi() {
    return webUi;
  }

  MiniCluster cluster() {
    return cluster;
  }

  /** Stops every job (their last checkpoints stay on disk) and the cluster. */
  @Override
  public void close() {
    long t0 = System.nanoTime();
    try {
      cluster.closeAsync().get(SHUTDOWN_TIMEOUT_S, TimeUnit.SECONDS);
      LOG.info("Flink cluster stopped in {} ms", (System.nanoTime() - t0) / 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Flink cluster did not stop cleanly: {}", Failures.rootMessage(e));
    }
  }

  private static boolean webUiOnClasspath() {
    try {
      Class.forName("org.apache.flink.runtime.webmonitor.WebSubmissionExtension", false,
          EmbeddedFlink.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
