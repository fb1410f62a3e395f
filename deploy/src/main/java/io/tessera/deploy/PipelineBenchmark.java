package io.tessera.deploy;

import io.tessera.embedded.EmbeddedKafka;
import io.tessera.generator.ClipLayout;
import io.tessera.generator.Generator;
import io.tessera.generator.engine.Admission;
import io.tessera.generator.engine.EngineConfig;
import io.tessera.generator.engine.FinishReason;
import io.tessera.generator.engine.GenerationEngine;
import io.tessera.generator.engine.SampleTimings;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenListener;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.Split;
import io.tessera.jobs.GenerationJob;
import io.tessera.jobs.JobConfig;
import io.tessera.jobs.LocalCluster;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code bench pipeline}: the same text-to-video prompts through the whole pipeline (an in-process Kafka broker
 * and a local Flink cluster running {@link GenerationJob} with the default generator, parallelism 1, so one
 * engine batches them all) and through the bare engine in this JVM (all submitted at once, continuous batching).
 * Pipeline: tokens/s from the first publish to the last final chunk consumed, time to first token = publish to
 * the first chunk consumed (the first chunk of a sample holds its first token alone). Engine: tokens/s from the
 * first submit to the last finish, time to first token = submit to the first token (and to the first complete
 * frame).
 *
 * <p>Both sides are up at once and measured in alternating rounds (pipeline, engine, engine, pipeline, ...), each
 * round the same prompts under new request ids, so that a slow spell of a shared host weighs on both sides alike
 * instead of on whichever side it happened to fall (on this project's 2-vCPU machines such spells last tens of
 * seconds and made the same work on the same thread cost 30 % more CPU time). Totals are summed over the rounds.
 * Both sides are measured warm: each first runs the same prompts {@link #WARM_UP_ROUNDS} times, unmeasured (job
 * start-up, model load and the JIT compiling Kafka's, Flink's and Tessera's code are not measured: on 2 cores the
 * compiler threads alone took ~12 CPU-seconds of a cold run, beside the task thread). Each side also reports the
 * process CPU time it used per token. Last line: {@code pipeline_vs_engine=<ratio> ttft_added_p50_ms=<ms>}.
 *
 * <p>Options: {@code --prompts N} (16), {@code --frames N} (8), {@code --rounds N} (8).
 */
final class PipelineBenchmark {

  static final Set<String> OPTIONS = Set.of("prompts", "frames", "rounds");
  private static final Duration PATIENCE = Duration.ofMinutes(15);
  private static final long SEED_BASE = 4242L;
  /** Unmeasured runs of the same prompts before the measured ones, on each side. */
  static final int WARM_UP_ROUNDS = 3;
  /** Measured rounds per side: a round takes ~2 s here, and one slow spell of the host can halve a round. */
  static final int DEFAULT_ROUNDS = 8;

  private PipelineBenchmark() {}

  /** One measured round: per request, when it went in and when its first and last output came out (nanoTime). */
  record Run(Map<String, Long> startNanos, Map<String, Long> firstNanos, Map<String, Long> firstFrameNanos,
      Map<String, Long> doneNanos, Map<String, List<Integer>> tokens, Map<String, Map<String, Long>> wallMs,
      double[] cpuSeconds, Map<String, Double> threadCpuSeconds) {

    static Run empty() {
      return new Run(new LinkedHashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(),
          new HashMap<>(), new double[1], new HashMap<>());
    }

    /** Records the process CPU time and each thread group's CPU time used since {@code before}. */
    void cpuSince(Cpu.Snapshot before) {
      Cpu.Snapshot after = Cpu.Snapshot.take();
      cpuSeconds[0] = after.process() - before.process();
      threadCpuSeconds.putAll(after.threadsSince(before));
    }

    /** Pipeline only: wall-clock milestones of a request (epoch ms), for the latency breakdown. */
    Map<String, Long> wall(String id) {
      return wallMs.computeIfAbsent(id, k -> new HashMap<>());
    }

    long tokenCount() {
      return tokens.values().stream().mapToLong(List::size).sum();
    }

    double seconds() {
      long start = startNanos.values().stream().min(Long::compare).orElseThrow();
      long end = doneNanos.values().stream().max(Long::compare).orElseThrow();
      return (end - start) / 1e9;
    }

    double tokensPerSecond() {
      return tokenCount() / seconds();
    }

    List<Double> ttftMs(Map<String, Long> at) {
      return startNanos.keySet().stream().map(id -> (at.get(id) - startNanos.get(id)) / 1e6).sorted().toList();
    }
  }

  /** One side's measured rounds taken together: tokens and seconds summed, latencies pooled. */
  record Rounds(List<Run> runs) {

    long tokenCount() {
      return runs.stream().mapToLong(Run::tokenCount).sum();
    }

    double seconds() {
      return runs.stream().mapToDouble(Run::seconds).sum();
    }

    double tokensPerSecond() {
      return tokenCount() / seconds();
    }

    /** Process CPU time per token over the measured rounds, ms (every thread of this JVM, not only generation). */
    double cpuMsPerToken() {
      return runs.stream().mapToDouble(r -> r.cpuSeconds()[0]).sum() * 1e3 / tokenCount();
    }

    List<Double> ttftMs(java.util.function.Function<Run, Map<String, Long>> at) {
      return runs.stream().flatMap(r -> r.ttftMs(at.apply(r)).stream()).sorted().toList();
    }

    List<Map<String, Long>> walls() {
      return runs.stream().flatMap(r -> r.wallMs().values().stream()).toList();
    }

    /** CPU seconds per thread group over the measured rounds, largest first. */
    List<Map.Entry<String, Double>> threadCpuSeconds() {
      Map<String, Double> sum = new HashMap<>();
      runs.forEach(r -> r.threadCpuSeconds().forEach((k, v) -> sum.merge(k, v, Double::sum)));
      return sum.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).toList();
    }
  }

  /** A side of the comparison: runs a round of requests to the end and returns what it measured. */
  interface Side extends AutoCloseable {
    Run round(List<GenerationRequest> requests) throws Exception;

    @Override
    void close();
  }

  static int run(String[] argv, PrintStream out) {
    Args args = Args.parse("bench pipeline", argv, OPTIONS, Set.of());
    args.requireNoPositional();
    int prompts = args.intValue("prompts", 16, 1, 64);
    int frames = args.intValue("frames", 8, 1, 64);
    int rounds = args.intValue("rounds", DEFAULT_ROUNDS, 1, 100);
    List<GenerationRequest> requests = requests(prompts, frames);
    // the engine the pipeline's generate operator runs: one thread (the job spreads over cores by subtasks)
    EngineConfig engine = EngineConfig.DEFAULT.withDecodeShards(1);
    out.printf("pipeline benchmark: %d text-to-video prompts x %d frames, %d measured rounds per side, default"
            + " generator, engine batch %d queue %d, %d cores%n", prompts, frames, rounds, engine.maxBatch(),
        engine.maxQueue(), Runtime.getRuntime().availableProcessors());
    Path work;
    try {
      work = Files.createTempDirectory("tessera-bench-pipeline");
    } catch (IOException e) {
      throw new StackException("cannot create a temp directory for the benchmark: " + e.getMessage(), e);
    }
    try (Side pipeline = PipelineSide.start(work, requests); Side bare = new EngineSide(engine)) {
      long t0 = System.nanoTime();
      for (int round = 0; round < WARM_UP_ROUNDS; round++) {
        pipeline.round(renamed(requests, "warmup-" + round));
        bare.round(renamed(requests, "warmup-" + round));
      }
      out.printf("both sides warm (the same prompts %d times each, %d ms)%n", WARM_UP_ROUNDS,
          (System.nanoTime() - t0) / 1_000_000);
      List<Run> pipelineRuns = new ArrayList<>();
      List<Run> engineRuns = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        List<GenerationRequest> these = renamed(requests, "round-" + round);
        boolean pipelineFirst = round % 2 == 0; // P E, E P, P E, ...: a drift in host speed weighs on both sides
        Run first = (pipelineFirst ? pipeline : bare).round(these);
        Run second = (pipelineFirst ? bare : pipeline).round(these);
        Run p = pipelineFirst ? first : second;
        Run e = pipelineFirst ? second : first;
        pipelineRuns.add(p);
        engineRuns.add(e);
        out.printf("round %d (%s first): pipeline %8.1f tokens/s, engine %8.1f tokens/s, ratio %.3f%n", round + 1,
            pipelineFirst ? "pipeline" : "engine", p.tokensPerSecond(), e.tokensPerSecond(),
            p.tokensPerSecond() / e.tokensPerSecond());
      }
      report(new Rounds(pipelineRuns), new Rounds(engineRuns), out);
      return 0;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new StackException("bench pipeline failed: " + Failures.rootMessage(e), e);
    } finally {
      Checkpoints.delete(work);
    }
  }

  /** Prompts of the clip world (fixed seeds), one sample each. */
  static List<GenerationRequest> requests(int prompts, int frames) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<GenerationRequest> out = new ArrayList<>();
    for (int i = 0; i < prompts; i++) {
      long seed = SEED_BASE + i;
      out.add(GenerationRequest.newBuilder()
          .setRequestId("bench-" + run + "-" + i).setTask(Task.TEXT_TO_VIDEO)
          .setPrompt(ClipSpec.random(seed, Split.TRAIN, frames).prompt())
          .setSampling(SamplingParams.newBuilder().setFrames(frames).setSamples(1).setSeed(seed).build())
          .build());
    }
    return out;
  }

  /** Kafka + a local Flink cluster running GenerationJob; a round publishes every prompt at once. */
  static final class PipelineSide implements Side {
    private final EmbeddedKafka kafka;
    private final JobClient job;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;

    private PipelineSide(EmbeddedKafka kafka, JobClient job, KafkaProducer<byte[], byte[]> producer,
        KafkaConsumer<byte[], byte[]> consumer) {
      this.kafka = kafka;
      this.job = job;
      this.producer = producer;
      this.consumer = consumer;
    }

    static PipelineSide start(Path work, List<GenerationRequest> requests) {
      String run = requests.get(0).getRequestId().substring(0, requests.get(0).getRequestId().lastIndexOf('-'));
      EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"), 0);
      try {
        kafka.createTopics(Topics.ALL);
        Configuration conf = LocalCluster.configuration(work, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        JobConfig cfg = JobConfig.fromArgs(new String[] {"--bootstrap", kafka.bootstrapServers(), "--group-prefix", run});
        GenerationJob.addToEnvironment(env, cfg);
        JobClient job = env.executeAsync("tessera-bench-pipeline");
        KafkaConsumer<byte[], byte[]> consumer = consumer(kafka.bootstrapServers(), run);
        consumer.subscribe(List.of(Topics.TOKENS.name(), Topics.GENERATIONS.name()));
        return new PipelineSide(kafka, job, producer(kafka.bootstrapServers()), consumer);
      } catch (Exception e) {
        kafka.close();
        if (e instanceof RuntimeException r) {
          throw r;
        }
        throw new StackException("bench pipeline: the generation job did not start: " + Failures.rootMessage(e), e);
      }
    }

    @Override
    public Run round(List<GenerationRequest> requests) throws Exception {
      Run run = Run.empty();
      Cpu.Snapshot before = Cpu.Snapshot.take();
      for (GenerationRequest r : requests) {
        send(producer, r, run);
      }
      producer.flush();
      consume(consumer, job, run, new HashSet<>(run.startNanos().keySet()));
      run.cpuSince(before);
      return run;
    }

    @Override
    public void close() {
      try (kafka; producer; consumer) {
        job.cancel();
        job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
      } catch (ExecutionException | java.util.concurrent.TimeoutException | InterruptedException e) {
        // cancelled (or already failed, reported by the round); the cluster stops with the environment
      }
    }
  }

  /** The bare engine in this JVM; a round submits every request at once and steps until all are done. */
  static final class EngineSide implements Side {
    private final Generator generator;
    private final GenerationEngine engine;

    EngineSide(EngineConfig config) {
      this.generator = Generator.loadDefault();
      this.engine = generator.newEngine(config);
    }

    @Override
    public Run round(List<GenerationRequest> requests) {
      Run run = Run.empty();
      Cpu.Snapshot before = Cpu.Snapshot.take();
      generate(generator, engine, generator.layout(), requests, run);
      run.cpuSince(before);
      return run;
    }

    @Override
    public void close() {
      try (generator) {
        engine.close();
      }
    }
  }

  /** The same prompts under other request ids: every round runs exactly the same work. */
  private static List<GenerationRequest> renamed(List<GenerationRequest> requests, String suffix) {
    return requests.stream().map(r -> GenerationRequest.newBuilder(r)
        .setRequestId(r.getRequestId() + "-" + suffix).build()).toList();
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, GenerationRequest r, Run run) {
    GenerationRequest stamped = GenerationRequest.newBuilder(r).setCreatedAtMs(System.currentTimeMillis()).build();
    run.startNanos().put(r.getRequestId(), System.nanoTime());
    run.wall(r.getRequestId()).put("published", stamped.getCreatedAtMs());
    producer.send(new ProducerRecord<>(Topics.PROMPTS.name(), r.getRequestId().getBytes(StandardCharsets.UTF_8),
        Topics.PROMPTS.codec().encode(stamped)));
  }

  /** Polls tokens until every id has its final chunk; repeats (by request, sample, seq) are dropped. */
  private static void consume(KafkaConsumer<byte[], byte[]> consumer, JobClient job, Run run, Set<String> ids)
      throws Exception {
    Set<String> seen = new HashSet<>();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    long nextStatusCheck = 0;
    while (!run.doneNanos().keySet().containsAll(ids)
        || !ids.stream().allMatch(id -> run.wall(id).containsKey("arrived"))) {
      if (System.nanoTime() > deadline) {
        throw new StackException("bench pipeline: only " + run.doneNanos().size() + " of " + ids.size()
            + " requests finished within " + PATIENCE.toMinutes() + " minutes");
      }
      if (System.nanoTime() > nextStatusCheck) { // an RPC to the cluster: once a second, not once a poll
        nextStatusCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        if (job.getJobStatus().get().isGloballyTerminalState()) {
          throw new StackException("bench pipeline: the generation job ended: " + job.getJobStatus().get());
        }
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
        long now = System.nanoTime();
        if (r.topic().equals(Topics.GENERATIONS.name())) {
          GenerationCompleted g = Topics.GENERATIONS.codec().decode(r.value());
          if (ids.contains(g.getRequestId())) {
            Map<String, Long> w = run.wall(g.getRequestId());
            w.putIfAbsent("arrived", g.getCompletedAtMs() - g.getTotalMs());
            w.putIfAbsent("operatorQueued", g.getQueuedMs());
            w.putIfAbsent("operatorFirstToken", g.getTimeToFirstTokenMs());
          }
          continue;
        }
        TokenChunk c = Topics.TOKENS.codec().decode(r.value());
        String id = c.getRequestId();
        if (!ids.contains(id) || !seen.add(id + "#" + c.getSampleIndex() + "#" + c.getSeq())) {
          continue;
        }
        if (run.firstNanos().putIfAbsent(id, now) == null) {
          run.wall(id).put("firstEmitted", c.getEmittedAtMs());
          run.wall(id).put("firstConsumed", System.currentTimeMillis());
        }
        run.tokens().computeIfAbsent(id, k -> new ArrayList<>()).addAll(c.getTokens());
        if (c.getFinal$()) {
          run.doneNanos().put(id, now);
        }
      }
    }
  }

  private static void generate(Generator generator, GenerationEngine engine, ClipLayout layout,
      List<GenerationRequest> requests, Run run) {
    Map<String, Integer> perFrame = new HashMap<>();
    TokenListener listener = new TokenListener() {
      @Override
      public void onToken(String sampleId, int position, int token, float logprob, long policyVersion) {
        long now = System.nanoTime();
        run.firstNanos().putIfAbsent(sampleId, now);
        if (position + 1 == perFrame.get(sampleId)) {
          run.firstFrameNanos().putIfAbsent(sampleId, now);
        }
        run.tokens().computeIfAbsent(sampleId, k -> new ArrayList<>()).add(token);
      }

      @Override
      public void onFinished(String sampleId, FinishReason reason, SampleTimings timings) {
        long now = System.nanoTime();
        run.doneNanos().put(sampleId, now);
        run.firstFrameNanos().putIfAbsent(sampleId, now);
      }
    };
    for (GenerationRequest r : requests) {
      SamplingParams p = r.getSampling();
      // Sample 0 of a request samples with the request's seed, as in the generate operator.
      SamplingConfig sampling = new SamplingConfig(p.getTemperature(), p.getTopK(), p.getTopP(), p.getGuidanceScale(),
          p.getSeed());
      perFrame.put(r.getRequestId(), layout.generatedTokensPerFrame(r.getTask()));
      long now = System.nanoTime();
      var request = generator.sampleRequest(r.getRequestId(), r.getTask(), r.getPrompt(), List.of(), null,
          p.getFrames(), sampling, now);
      run.startNanos().put(r.getRequestId(), now);
      while (engine.submit(request, listener) != Admission.ACCEPTED) {
        engine.step(); // full: make room, as the operator's backpressure does
      }
    }
    while (engine.admitted() > 0) {
      engine.step();
    }
  }

  static void report(Rounds pipeline, Rounds engine, PrintStream out) {
    int same = 0;
    int compared = 0;
    for (int i = 0; i < engine.runs().size(); i++) {
      Map<String, List<Integer>> e = engine.runs().get(i).tokens();
      Map<String, List<Integer>> p = pipeline.runs().get(i).tokens();
      for (String id : e.keySet()) {
        compared++;
        same += e.get(id).equals(p.get(id)) ? 1 : 0;
      }
    }
    List<Double> pTtft = pipeline.ttftMs(Run::firstNanos);
    List<Double> eTtft = engine.ttftMs(Run::firstNanos);
    List<Double> eFrame = engine.ttftMs(Run::firstFrameNanos);
    out.printf("pipeline: %8.1f tokens/s (%d tokens in %.2f s, %.2f CPU-ms per token)  time to first token p50 %.1f ms"
            + " p99 %.1f ms (publish -> first chunk consumed)%n", pipeline.tokensPerSecond(),
        pipeline.tokenCount(), pipeline.seconds(), pipeline.cpuMsPerToken(), percentile(pTtft, 50),
        percentile(pTtft, 99));
    out.printf("engine:   %8.1f tokens/s (%d tokens in %.2f s, %.2f CPU-ms per token)  time to first token p50 %.1f ms"
            + " p99 %.1f ms (submit -> first token); to first frame p50 %.1f ms p99 %.1f ms%n",
        engine.tokensPerSecond(), engine.tokenCount(), engine.seconds(), engine.cpuMsPerToken(),
        percentile(eTtft, 50), percentile(eTtft, 99), percentile(eFrame, 50), percentile(eFrame, 99));
    List<Map<String, Long>> walls = pipeline.walls();
    List<Double> arrivals = walls.stream().filter(w -> w.containsKey("arrived"))
        .map(w -> (double) (w.get("arrived") - w.get("published"))).sorted().toList();
    out.printf("pipeline: publish -> generate operator min %.0f ms p50 %.0f ms max %.0f ms (arrival = processElement);"
            + " first to last arrival per round %s ms%n", arrivals.get(0), percentile(arrivals, 50),
        arrivals.get(arrivals.size() - 1), pipeline.runs().stream().map(PipelineBenchmark::arrivalSpreadMs)
            .map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")));
    out.printf("pipeline breakdown p50: publish -> generate operator %.0f ms, queued in the engine %.0f ms,"
            + " first token %.0f ms after arrival, first chunk emitted %.0f ms after arrival,"
            + " emitted -> consumed %.0f ms%n",
        p50(walls, "published", "arrived"), p50(walls, null, "operatorQueued"),
        p50(walls, null, "operatorFirstToken"), p50(walls, "arrived", "firstEmitted"),
        p50(walls, "firstEmitted", "firstConsumed"));
    out.printf("pipeline CPU by thread, CPU-ms per token: %s%n", topThreads(pipeline, 8));
    out.printf("engine CPU by thread, CPU-ms per token:   %s%n", topThreads(engine, 3));
    double ratio = pipeline.tokensPerSecond() / engine.tokensPerSecond();
    double added = percentile(pTtft, 50) - percentile(eTtft, 50);
    List<Double> roundRatios = new ArrayList<>();
    List<Double> roundAdded = new ArrayList<>();
    for (int i = 0; i < pipeline.runs().size(); i++) {
      Run p = pipeline.runs().get(i);
      Run e = engine.runs().get(i);
      roundRatios.add(p.tokensPerSecond() / e.tokensPerSecond());
      roundAdded.add(percentile(p.ttftMs(p.firstNanos()), 50) - percentile(e.ttftMs(e.firstNanos()), 50));
    }
    out.printf("per round pair (host noise check): ratio median %.3f (min %.3f, max %.3f), time to first token added"
            + " median %.1f ms (min %.1f, max %.1f)%n", median(roundRatios), java.util.Collections.min(roundRatios),
        java.util.Collections.max(roundRatios), median(roundAdded), java.util.Collections.min(roundAdded),
        java.util.Collections.max(roundAdded));
    out.printf("identical tokens pipeline vs engine: %d/%d; time to first frame added by the pipeline p50 %.1f ms%n",
        same, compared, percentile(pTtft, 50) - percentile(eFrame, 50));
    out.printf("pipeline_vs_engine=%.3f ttft_added_p50_ms=%.1f%n", ratio, added);
  }

  /** How far apart the first and the last request of a round reached the generate operator. */
  private static long arrivalSpreadMs(Run run) {
    java.util.LongSummaryStatistics at = run.wallMs().values().stream().filter(w -> w.containsKey("arrived"))
        .mapToLong(w -> w.get("arrived")).summaryStatistics();
    return at.getCount() == 0 ? -1 : at.getMax() - at.getMin();
  }

  private static String topThreads(Rounds side, int n) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Double> e : side.threadCpuSeconds().stream().limit(n).toList()) {
      out.append(out.isEmpty() ? "" : ", ").append(String.format("%s %.3f", e.getKey(), e.getValue() * 1e3 / side.tokenCount()));
    }
    return out.toString();
  }

  /** Median over requests of {@code to - from} (or of {@code to} alone when {@code from} is null), ms. */
  private static double p50(List<Map<String, Long>> walls, String from, String to) {
    List<Double> values = walls.stream()
        .filter(w -> w.containsKey(to) && (from == null || w.containsKey(from)))
        .map(w -> (double) (w.get(to) - (from == null ? 0 : w.get(from)))).sorted().toList();
    return values.isEmpty() ? Double.NaN : percentile(values, 50);
  }

  /** CPU time of this process, in total and per group of threads (Java threads; the model's work runs on them). */
  static final class Cpu {
    private static final java.lang.management.ThreadMXBean THREADS =
        java.lang.management.ManagementFactory.getThreadMXBean();

    private Cpu() {}

    /** Process CPU seconds and CPU nanoseconds per live thread at one moment. */
    record Snapshot(double process, Map<Long, Long> threadNanos, Map<Long, String> names) {

      static Snapshot take() {
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (java.lang.management.ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
          if (t != null) {
            long cpu = THREADS.getThreadCpuTime(t.getThreadId());
            if (cpu >= 0) {
              nanos.put(t.getThreadId(), cpu);
              names.put(t.getThreadId(), group(t.getThreadName()));
            }
          }
        }
        return new Snapshot(processSeconds(), nanos, names);
      }

      /** CPU seconds since {@code before} per thread group (threads that ended in between are not counted). */
      Map<String, Double> threadsSince(Snapshot before) {
        Map<String, Double> out = new HashMap<>();
        threadNanos.forEach((id, cpu) -> {
          double used = (cpu - before.threadNanos().getOrDefault(id, 0L)) / 1e9;
          if (used > 0) {
            out.merge(names.get(id), used, Double::sum);
          }
        });
        return out;
      }
    }

    /** A thread's name without its numbers, so a pool's threads count as one group. */
    static String group(String threadName) {
      return threadName.replaceAll("(?<![A-Za-z0-9])[0-9]+(?![A-Za-z0-9])", "N").replaceAll("\\(N/N\\)#N", "").strip();
    }

    static double processSeconds() {
      if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        return os.getProcessCpuTime() / 1e9;
      }
      return Double.NaN;
    }
  }

  /** The middle value (mean of the two middle ones for an even count). */
  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(List<Double> sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** Kafka's default fetch wait: a fetch returns as soon as a record arrives, and an idle poll costs no CPU. */
  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String run) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, run + "-bench-consumer");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }
}
