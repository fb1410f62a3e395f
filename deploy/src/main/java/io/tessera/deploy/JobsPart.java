package io.tessera.deploy;

import io.tessera.jobs.JobConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Tessera jobs running on Flink: in the embedded cluster ({@link #runEmbedded}) or submitted to a standing
 * cluster's REST API ({@link #submitRemote}). Closing cancels them; their last checkpoints stay on disk.
 */
final class JobsPart implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JobsPart.class);
  /** How long start-up waits for every job to reach RUNNING before it reports the stack as up anyway. */
  static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(120);
  private static final long CANCEL_TIMEOUT_S = 30;

  /** A started job: its definition and Flink's id for it. */
  record Started(TesseraJobs.Definition definition, String jobId) {}

  private final List<Started> started;
  private final List<JobClient> clients;
  private final FlinkRestClient remote;

  private JobsPart(List<Started> started, List<JobClient> clients, FlinkRestClient remote) {
    this.started = started;
    this.clients = clients;
    this.remote = remote;
  }

  /** Validates the job options ({@code --job key=value}) into the jobs' config, against the stack's Kafka. */
  static JobConfig jobConfig(String bootstrap, Map<String, String> options) {
    org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
    options.forEach(conf::setString);
    conf.setString(io.tessera.jobs.JobOptions.BOOTSTRAP.key(), bootstrap);
    try {
      return JobConfig.from(conf);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage() + "; fix the --job option");
    }
  }

  /**
   * Builds each job on its own environment and starts it in the embedded cluster with {@code executeAsync}; with
   * {@code resume}, each job restores its latest retained checkpoint from an earlier run.
   */
  static JobsPart runEmbedded(EmbeddedFlink flink, JobConfig config, boolean resume) {
    List<Started> started = new ArrayList<>();
    List<JobClient> clients = new ArrayList<>();
    JobsPart part = new JobsPart(started, clients, null);
    try {
      for (TesseraJobs.Definition job : TesseraJobs.ALL) {
        StreamExecutionEnvironment env = flink.newEnvironment(job.name(), resume);
        job.wiring().addTo(env, config);
        JobClient client = env.executeAsync(job.name());
        clients.add(client);
        started.add(new Started(job, client.getJobID().toHexString()));
        client.getJobExecutionResult().whenComplete((result, failure) -> {
          if (failure != null && !isCancellation(failure)) {
            LOG.error("Job {} stopped: {} (details in the Flink web UI{})", job.name(), Failures.rootMessage(failure),
                resume ? "; if it cannot restore its last checkpoint, run 'up --fresh'" : "");
          }
        });
      }
      part.awaitRunning();
      return part;
    } catch (StackException e) {
      part.close();
      throw e;
    } catch (Exception e) {
      part.close();
      throw new StackException("Could not start the Flink jobs: " + Failures.rootMessage(e), e);
    }
  }

  /** Uploads the job jar once and runs each job's entry class with the config as {@code --key value} arguments. */
  static JobsPart submitRemote(FlinkRestClient flink, Path jar, String bootstrap, Map<String, String> options) {
    String version = flink.flinkVersion();
    LOG.info("Submitting {} to Flink {} at {}", jar.getFileName(), version, flink.webUrl());
    String jarId = flink.upload(jar);
    List<String> args = new ArrayList<>(List.of("--" + io.tessera.jobs.JobOptions.BOOTSTRAP.key(), bootstrap));
    options.forEach((k, v) -> {
      args.add("--" + k);
      args.add(v);
    });
    List<Started> started = new ArrayList<>();
    JobsPart part = new JobsPart(started, List.of(), flink);
    try {
      for (TesseraJobs.Definition job : TesseraJobs.ALL) {
        started.add(new Started(job, flink.run(jarId, job.entryClass(), args)));
      }
      part.awaitRunning();
      return part;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      part.close();
      throw new StackException("interrupted while the jobs start", e);
    } catch (RuntimeException e) {
      part.close();
      throw e;
    }
  }

  List<Started> started() {
    return started;
  }

  /** Polls every job's status until all run; a job that fails or finishes first is reported as an error. */
  private void awaitRunning() throws InterruptedException {
    long deadline = System.nanoTime() + RUNNING_TIMEOUT.toNanos();
    for (int i = 0; i < started.size(); i++) {
      Started job = started.get(i);
      while (true) {
        String status = status(i);
        if (status.equals(JobStatus.RUNNING.name())) {
          LOG.info("Job {} running ({})", job.definition().name(), job.jobId());
          break;
        }
        if (isTerminal(status)) {
          throw new StackException("Job " + job.definition().name() + " is " + status + " right after start; see "
              + "the log above or the Flink web UI");
        }
        if (System.nanoTime() > deadline) {
          LOG.warn("Job {} still {} after {} s; going on", job.definition().name(), status,
              RUNNING_TIMEOUT.toSeconds());
          break;
        }
        Thread.sleep(100); // polling interval while the job's tasks are deployed
      }
    }
  }

  private String status(int i) {
    if (remote != null) {
      return remote.jobStatus(started.get(i).jobId());
    }
    try {
      return clients.get(i).getJobStatus().get(10, TimeUnit.SECONDS).name();
    } catch (Exception e) {
      return "UNKNOWN";
    }
  }

  private static boolean isTerminal(String status) {
    try {
      return JobStatus.valueOf(status).isGloballyTerminalState();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isCancellation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String name = t.getClass().getSimpleName();
      if (name.contains("Cancel") || String.valueOf(t.getMessage()).contains("CANCELED")) {
        return true;
      }
    }
    return false;
  }

  /** Cancels every job started here, newest first. */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      Started job = started.get(i);
      try {
        if (isTerminal(status(i))) {
          continue; // failed or finished on its own: nothing to cancel
        }
        if (remote != null) {
          remote.cancel(job.jobId());
        } else if (i < clients.size()) {
          clients.get(i).cancel().get(CANCEL_TIMEOUT_S, TimeUnit.SECONDS);
        }
        LOG.info("Job {} cancelled", job.definition().name());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        LOG.warn("Job {} did not cancel cleanly: {}", job.definition().name(), Failures.rootMessage(e));
      }
    }
  }
}
