package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

class EmbeddedFlinkIT {

  private static final Duration WAIT = Duration.ofSeconds(120);

  @Test
  void runsSeveralJobsInOneClusterOnLoopback() throws Exception {
    try (EmbeddedFlink flink = EmbeddedFlink.start(settings(tempDir("flink-jobs")))) {
      JobClient a = slowJob(flink.newEnvironment()).executeAsync("a");
      JobClient b = slowJob(flink.newEnvironment()).executeAsync("b");
      awaitTrue("both jobs running in the one cluster", () -> runningJobs(flink).size() == 2);
      assertThat(runningJobs(flink)).containsExactlyInAnyOrder(a.getJobID(), b.getJobID());

      assertThat(flink.restAddress().getHost()).isEqualTo("127.0.0.1");
      assertThat(flink.hasWebUi()).isTrue();
      if (OwnListeners.available()) {
        assertThat(OwnListeners.all()).isNotEmpty().allMatch(OwnListeners.Listener::isLoopback);
      }
      a.cancel().get(60, TimeUnit.SECONDS);
      b.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void aJobResumesFromItsLastCheckpointInTheNextCluster() throws Exception {
    Path work = tempDir("flink-resume");
    JobID id = EmbeddedFlink.stableJobId("resumable");
    Path jobCheckpoints = settings(work).checkpointDir().resolve(id.toHexString());

    try (EmbeddedFlink first = EmbeddedFlink.start(settings(work))) {
      JobClient job = slowJob(first.newEnvironment("resumable", true)).executeAsync("resumable");
      assertThat(job.getJobID()).isEqualTo(id);
      awaitTrue("a completed checkpoint on disk", () -> Checkpoints.latest(jobCheckpoints).isPresent());
      job.cancel().get(60, TimeUnit.SECONDS);
    }
    Path retained = Checkpoints.latest(jobCheckpoints).orElseThrow();

    try (EmbeddedFlink second = EmbeddedFlink.start(settings(work))) {
      JobClient job = slowJob(second.newEnvironment("resumable", true)).executeAsync("resumable");
      awaitTrue("the job restored " + retained, () -> restoredCheckpointId(second, id) == Checkpoints.number(retained));
      job.cancel().get(60, TimeUnit.SECONDS);
    }

    try (EmbeddedFlink third = EmbeddedFlink.start(settings(work))) {
      JobClient job = slowJob(third.newEnvironment("resumable", false)).executeAsync("resumable");
      assertThat(Checkpoints.latest(jobCheckpoints)).as("--fresh clears the old checkpoints").isEmpty();
      awaitTrue("the fresh job runs", () -> runningJobs(third).contains(id));
      assertThat(restoredCheckpointId(third, id)).isEqualTo(-1);
      job.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  private static FlinkSettings settings(Path work) {
    return new FlinkSettings(work, 2, 0, Duration.ofMillis(300), 1);
  }

  /** An endless source slowed down by a sleeping map, so the job runs without burning the CPU. */
  private static StreamExecutionEnvironment slowJob(StreamExecutionEnvironment env) {
    env.fromSequence(0, Long.MAX_VALUE).map(x -> {
      Thread.sleep(5);
      return x;
    }).uid("slow-map").sinkTo(new DiscardingSink<>());
    return env;
  }

  private static List<JobID> runningJobs(EmbeddedFlink flink) {
    try {
      return flink.cluster().listJobs().get().stream()
          .filter(j -> j.getJobState() == JobStatus.RUNNING).map(JobStatusMessage::getJobId).toList();
    } catch (Exception e) {
      return List.of();
    }
  }

  private static long restoredCheckpointId(EmbeddedFlink flink, JobID id) {
    try {
      var restored = flink.cluster().getExecutionGraph(id).get().getCheckpointStatsSnapshot()
          .getLatestRestoredCheckpoint();
      return restored == null ? -1 : restored.getCheckpointId();
    } catch (Exception e) {
      return -1;
    }
  }

  static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  static Path tempDir(String prefix) throws Exception {
    return Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), prefix);
  }
}
