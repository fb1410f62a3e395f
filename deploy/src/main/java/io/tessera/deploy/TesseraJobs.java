package io.tessera.deploy;

import io.tessera.jobs.DecodeJob;
import io.tessera.jobs.GenerationJob;
import io.tessera.jobs.JobConfig;
import io.tessera.jobs.reward.RewardJob;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The Flink jobs {@code tessera up} runs, in start order, each with its wiring and its entry class for a jar. */
final class TesseraJobs {

  /** Adds one job's sources, operators and sinks to an environment (the job classes' {@code addToEnvironment}). */
  @FunctionalInterface
  interface Wiring {
    void addTo(StreamExecutionEnvironment env, JobConfig config);
  }

  /**
   * One job.
   *
   * @param name       the job's name in Flink's UI and REST API
   * @param entryClass the class whose {@code main(--key value ...)} runs the job from a submitted jar
   * @param wiring     how the job is added to an environment in this JVM
   */
  record Definition(String name, String entryClass, Wiring wiring) {}

  static final List<Definition> ALL = List.of(
      new Definition("tessera-" + GenerationJob.NAME, GenerationJob.class.getName(), GenerationJob::addToEnvironment),
      new Definition("tessera-" + DecodeJob.NAME, DecodeJob.class.getName(), DecodeJob::addToEnvironment),
      new Definition("tessera-" + RewardJob.NAME, RewardJob.class.getName(), RewardJob::addToEnvironment));

  private TesseraJobs() {}
}
