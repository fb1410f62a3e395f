package io.tessera.deploy;

import io.tessera.embedded.EmbeddedKafka;
import io.tessera.generator.Generator;
import io.tessera.generator.model.ModelConfig;
import io.tessera.generator.model.Policy;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.Split;
import io.tessera.jobs.GenerationJob;
import io.tessera.jobs.GeneratorLoader;
import io.tessera.jobs.JobConfig;
import io.tessera.jobs.JobOptions;
import io.tessera.jobs.LocalCluster;
import io.tessera.jobs.policy.PolicyConfig;
import io.tessera.jobs.policy.PolicyJob;
import io.tessera.jobs.policy.PolicyOptions;
import io.tessera.jobs.reward.RewardJob;
import io.tessera.records.GenerationRequest;
import io.tessera.records.PolicyUpdate;
import io.tessera.records.Reward;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.schemas.Topics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
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
 * {@code rl --minutes M}: the whole online-RL loop on a local stack. An in-process Kafka broker and one local
 * Flink job holding {@link GenerationJob}, {@link RewardJob} and {@link PolicyJob} (parallelism 1, default
 * generator); this command publishes text-to-video prompts drawn from the world's held-out combinations
 * ({@code samples} per prompt, a GRPO group, temperature 1 and no guidance so the samples come from the policy
 * itself), keeps {@code in-flight} prompts outstanding, and reads {@code tessera.rewards} and
 * {@code tessera.policy}. At the end: mean reward and adherence per policy version, a PNG plot of reward
 * against time, the final weights saved as a model directory ({@code bin/tessera eval --model}), and the
 * last line {@code reward_gain=<relative gain> adherence_before=<x> adherence_after=<y>}: the first and last
 * fifth of the scored samples (at least 8 each) by time.
 *
 * <p>Options and their defaults: the {@code DEFAULT_} constants below, which {@link CommandHelp} prints.
 */
final class RlCommand {

  static final Set<String> OPTIONS = Set.of("minutes", "samples", "frames", "in-flight", "lr", "max-staleness",
      "groups-per-update", "inner-steps", "swap-prefill-tokens", "out");
  private static final String ADHERENCE = io.tessera.reward.score.PromptAdherenceScorer.NAME;
  private static final Duration REQUEST_PATIENCE = Duration.ofMinutes(5);
  private static final long SEED_BASE = 7_000_000L;

  static final int DEFAULT_MINUTES = 30;
  /** Samples per prompt: one GRPO group. */
  static final int DEFAULT_SAMPLES = 8;
  static final int DEFAULT_FRAMES = 4;
  /** Prompts outstanding at once. */
  static final int DEFAULT_IN_FLIGHT = 2;
  static final String DEFAULT_LR = "1e-4";
  /** Samples from a policy more than K versions behind the trainer are dropped. */
  static final int DEFAULT_MAX_STALENESS = 2;
  /** Two groups per update: a less noisy gradient than one, updates still every few seconds here. */
  static final int DEFAULT_GROUPS_PER_UPDATE = 2;
  /**
   * One gradient step per update: the trainer's forward/backward passes are what bound the loop on two
   * cores, and a fresh batch learns more than a second step on the same one.
   */
  static final int DEFAULT_INNER_STEPS = 1;
  /** 0: in-flight samples finish on the policy they started on, so a swap re-prefills nothing. */
  static final int DEFAULT_SWAP_PREFILL_TOKENS = 0;
  static final String DEFAULT_OUT = "tessera-rl";

  private RlCommand() {}

  /** How the loop runs: prompts, GRPO groups and updates, and how the generator swaps. */
  record Settings(int samples, int frames, int inFlight, float lr, int staleness, int groupsPerUpdate,
      int innerSteps, int swapPrefillTokens) {}

  /** One scored sample: seconds since the first prompt, the policy version that sampled it, reward, adherence. */
  record Scored(double seconds, long version, double reward, double adherence) {}

  static int run(String[] argv, PrintStream out) {
    Args args = Args.parse("rl", argv, OPTIONS, Set.of());
    args.requireNoPositional();
    int minutes = args.intValue("minutes", DEFAULT_MINUTES, 1, 24 * 60);
    int samples = args.intValue("samples", DEFAULT_SAMPLES, 2, 16);
    int frames = args.intValue("frames", DEFAULT_FRAMES, 1, 64);
    int inFlight = args.intValue("in-flight", DEFAULT_IN_FLIGHT, 1, 64);
    int staleness = args.intValue("max-staleness", DEFAULT_MAX_STALENESS, 0, 1000);
    int groups = args.intValue("groups-per-update", DEFAULT_GROUPS_PER_UPDATE, 1, 1000);
    int innerSteps = args.intValue("inner-steps", DEFAULT_INNER_STEPS, 1, 100);
    int swapPrefill = args.intValue("swap-prefill-tokens", DEFAULT_SWAP_PREFILL_TOKENS, 0, 1_000_000);
    float lr;
    try {
      lr = Float.parseFloat(args.get("lr", DEFAULT_LR));
    } catch (NumberFormatException e) {
      throw new UsageException("--lr expects a number, got '" + args.get("lr", "") + "'");
    }
    Path outDir = Path.of(args.get("out", DEFAULT_OUT)).toAbsolutePath();
    Path work = outDir.resolve("work-" + UUID.randomUUID().toString().substring(0, 8));
    try {
      Files.createDirectories(work);
    } catch (IOException e) {
      throw new StackException("cannot create " + work + ": " + e.getMessage(), e);
    }
    out.printf("rl: %d minutes, held-out prompts, %d samples x %d frames each, %d in flight, lr %s, K=%d,"
        + " %d groups per update, %d inner steps, swap prefill %d tokens; output in %s%n",
        minutes, samples, frames, inFlight, lr, staleness, groups, innerSteps, swapPrefill, outDir);
    Settings settings = new Settings(samples, frames, inFlight, lr, staleness, groups, innerSteps, swapPrefill);
    try {
      Loop loop = loop(work, outDir, Duration.ofMinutes(minutes), settings, out);
      return report(loop, outDir, out);
    } finally {
      Checkpoints.delete(work);
    }
  }

  /** What the loop saw. */
  record Loop(List<Scored> scored, TreeMap<Long, Double> publishedAt, PolicyUpdate last, SwapGaps swapGaps) {}

  static Loop loop(Path work, Path outDir, Duration length, Settings settings, PrintStream out) {
    String run = "rl-" + UUID.randomUUID().toString().substring(0, 8);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"), 0)) {
      kafka.createTopics(Topics.ALL);
      Configuration conf = LocalCluster.configuration(work, 3);
      // the trainer's state (weights + AdamW moments) is far above the 5 MB the JobManager keeps in memory
      conf.setString("execution.checkpointing.dir", work.resolve("checkpoints").toUri().toString());
      StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
      Configuration policyConf = new Configuration();
      policyConf.set(PolicyOptions.LEARNING_RATE, settings.lr());
      policyConf.set(PolicyOptions.MAX_STALENESS, settings.staleness());
      policyConf.set(PolicyOptions.GROUPS_PER_UPDATE, settings.groupsPerUpdate());
      policyConf.set(PolicyOptions.INNER_STEPS, settings.innerSteps());
      policyConf.set(PolicyOptions.WEIGHTS_DIR, work.resolve("policy").toString());
      PolicyConfig policy = PolicyConfig.from(policyConf);
      env.enableCheckpointing(policy.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
      JobConfig cfg = JobConfig.fromArgs(new String[] {"--bootstrap", kafka.bootstrapServers(), "--group-prefix", run,
          "--" + JobOptions.ENGINE_SWAP_PREFILL_TOKENS.key(), Integer.toString(settings.swapPrefillTokens())});
      GenerationJob.addToEnvironment(env, cfg);
      RewardJob.addToEnvironment(env, cfg);
      PolicyJob.addToEnvironment(env, cfg, policy, GeneratorLoader.of(cfg));
      JobClient job = env.executeAsync("tessera-rl");
      try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers());
          KafkaConsumer<byte[], byte[]> consumer = consumer(kafka.bootstrapServers(), run)) {
        consumer.subscribe(List.of(Topics.REWARDS.name(), Topics.POLICY.name(), Topics.TOKENS.name()));
        return drive(job, producer, consumer, run, length, settings, out);
      } finally {
        job.cancel();
        try {
          job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
          // cancelled; the local cluster stops with the environment
        }
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new StackException("rl failed: " + Failures.rootMessage(e), e);
    }
  }

  private static Loop drive(JobClient job, KafkaProducer<byte[], byte[]> producer,
      KafkaConsumer<byte[], byte[]> consumer, String run, Duration length, Settings settings, PrintStream out)
      throws Exception {
    List<Scored> scored = new ArrayList<>();
    SwapGaps swapGaps = new SwapGaps();
    TreeMap<Long, Double> publishedAt = new TreeMap<>();
    PolicyUpdate last = null;
    Map<String, Integer> pending = new LinkedHashMap<>(); // request -> rewards still missing
    Map<String, Long> sentAt = new HashMap<>();
    long t0 = System.nanoTime();
    long end = t0 + length.toNanos();
    long next = 0;
    long lastReport = t0;
    while (System.nanoTime() < end) {
      if (job.getJobStatus().get().isGloballyTerminalState()) {
        throw new StackException("rl: the job ended early: " + job.getJobStatus().get());
      }
      pending.keySet().removeIf(id -> System.nanoTime() - sentAt.get(id) > REQUEST_PATIENCE.toNanos());
      while (pending.size() < settings.inFlight()) {
        long seed = SEED_BASE + next++;
        String id = run + "-" + next;
        GenerationRequest r = GenerationRequest.newBuilder()
            .setRequestId(id).setTask(Task.TEXT_TO_VIDEO)
            .setPrompt(ClipSpec.random(seed, Split.HELD_OUT, settings.frames()).prompt())
            .setSampling(SamplingParams.newBuilder().setFrames(settings.frames()).setSamples(settings.samples())
                .setSeed(seed)
                .setTemperature(1f).setTopK(0).setTopP(1f).setGuidanceScale(1f).build())
            .setCreatedAtMs(System.currentTimeMillis())
            .build();
        producer.send(new ProducerRecord<>(Topics.PROMPTS.name(), id.getBytes(StandardCharsets.UTF_8),
            Topics.PROMPTS.codec().encode(r)));
        pending.put(id, settings.samples());
        sentAt.put(id, System.nanoTime());
      }
      producer.flush();
      for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (rec.topic().equals(Topics.POLICY.name())) {
          PolicyUpdate u = Topics.POLICY.codec().decode(rec.value());
          publishedAt.putIfAbsent(u.getVersion(), seconds);
          last = u;
          out.printf("%7.1f s  policy v%d published (loss %.4f, kl %.4f, lag %.1f)%n", seconds, u.getVersion(),
              u.getMetrics().getOrDefault("loss", Double.NaN), u.getMetrics().getOrDefault("kl", Double.NaN),
              u.getMetrics().getOrDefault("policyLag", Double.NaN));
          continue;
        }
        if (rec.topic().equals(Topics.TOKENS.name())) {
          swapGaps.observe(Topics.TOKENS.codec().decode(rec.value()));
          continue;
        }
        Reward r = Topics.REWARDS.codec().decode(rec.value());
        Integer missing = pending.get(r.getRequestId());
        if (missing == null) {
          continue; // a repeat, or a request given up on
        }
        scored.add(new Scored(seconds, r.getPolicyVersion(), r.getTotal(),
            r.getComponents().getOrDefault(ADHERENCE, Double.NaN)));
        if (missing <= 1) {
          pending.remove(r.getRequestId());
        } else {
          pending.put(r.getRequestId(), missing - 1);
        }
      }
      if (System.nanoTime() - lastReport > Duration.ofMinutes(1).toNanos() && !scored.isEmpty()) {
        lastReport = System.nanoTime();
        List<Scored> recent = scored.subList(Math.max(0, scored.size() - 16), scored.size());
        out.printf("%7.1f s  %d samples scored, last 16: reward %.3f adherence %.3f%n", (lastReport - t0) / 1e9,
            scored.size(), mean(recent, false), mean(recent, true));
      }
    }
    return new Loop(scored, publishedAt, last, swapGaps);
  }

  static int report(Loop loop, Path outDir, PrintStream out) {
    List<Scored> s = loop.scored();
    if (s.size() < 16) {
      throw new StackException("rl: only " + s.size() + " samples were scored; run longer (--minutes) or with"
          + " fewer --frames");
    }
    TreeMap<Long, List<Scored>> byVersion = new TreeMap<>();
    for (Scored x : s) {
      byVersion.computeIfAbsent(x.version(), v -> new ArrayList<>()).add(x);
    }
    out.println("policy version  samples  mean reward  mean adherence");
    for (Map.Entry<Long, List<Scored>> e : byVersion.entrySet()) {
      out.printf("%14d  %7d  %11.4f  %14.4f%n", e.getKey(), e.getValue().size(), mean(e.getValue(), false),
          mean(e.getValue(), true));
    }
    int window = Math.max(8, s.size() / 5);
    List<Scored> first = s.subList(0, window);
    List<Scored> lastWindow = s.subList(s.size() - window, s.size());
    double before = mean(first, false);
    double after = mean(lastWindow, false);
    double gain = (after - before) / Math.max(1e-9, Math.abs(before));
    Path png = outDir.resolve("reward-vs-time.png");
    plot(s, loop.publishedAt(), png);
    out.println("plot: " + png);
    if (loop.last() != null) {
      Path model = saveModel(loop.last(), outDir.resolve("model"));
      out.println("final policy v" + loop.last().getVersion() + " saved to " + model
          + " (bin/tessera eval --model " + model + ")");
    } else {
      out.println("no policy update was published");
    }
    SwapGaps gaps = loop.swapGaps();
    out.println("generation while swapping (a chunk per frame): " + gaps.summary());
    out.printf(java.util.Locale.ROOT, "reward_gain=%.4f adherence_before=%.4f adherence_after=%.4f%n", gain,
        mean(first, true), mean(lastWindow, true));
    return 0;
  }

  private static double mean(List<Scored> s, boolean adherence) {
    return s.stream().mapToDouble(x -> adherence ? x.adherence() : x.reward()).filter(Double::isFinite).average()
        .orElse(Double.NaN);
  }

  /** The last published weights (inline or file, checksum verified) as a model directory. */
  static Path saveModel(PolicyUpdate u, Path dir) {
    byte[] bytes;
    try {
      if (u.getWeights() != null) {
        ByteBuffer b = u.getWeights().duplicate();
        bytes = new byte[b.remaining()];
        b.get(bytes);
      } else {
        bytes = Files.readAllBytes(Path.of(URI.create(u.getUri())));
      }
    } catch (IOException e) {
      throw new StackException("cannot read the final policy weights at " + u.getUri() + ": " + e.getMessage(), e);
    }
    if (!Policy.sha256(bytes).equalsIgnoreCase(u.getSha256())) {
      throw new StackException("the final policy weights do not match their SHA-256 " + u.getSha256());
    }
    ModelConfig config;
    try (Generator g = Generator.loadDefault()) {
      config = g.policy().config();
    }
    try (Policy p = Policy.fromBytes(bytes, config); Policy v = p.withVersion(u.getVersion())) {
      v.save(dir);
    }
    return dir;
  }

  /** Reward of every sample against time (dots), a running mean over 16 samples (line), policy swaps (ticks). */
  static void plot(List<Scored> s, TreeMap<Long, Double> publishedAt, Path png) {
    System.setProperty("java.awt.headless", "true");
    int w = 900, h = 450, left = 60, right = 20, top = 30, bottom = 50;
    double tMax = Math.max(1, s.get(s.size() - 1).seconds());
    double rMin = Math.min(0, s.stream().mapToDouble(Scored::reward).min().orElse(0));
    double rMax = Math.max(1, s.stream().mapToDouble(Scored::reward).max().orElse(1));
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.BLACK);
    g.drawLine(left, h - bottom, w - right, h - bottom);
    g.drawLine(left, top, left, h - bottom);
    g.drawString("reward vs time (s); dots: samples, line: running mean of 16, ticks: policy versions", left, 18);
    g.drawString(String.format("%.0f", tMax), w - right - 30, h - bottom + 18);
    g.drawString("0", left, h - bottom + 18);
    g.drawString(String.format("%.2f", rMax), 10, top + 5);
    g.drawString(String.format("%.2f", rMin), 10, h - bottom);
    g.setColor(new Color(200, 200, 255));
    for (double at : publishedAt.values()) {
      int x = left + (int) ((w - left - right) * at / tMax);
      g.drawLine(x, h - bottom, x, h - bottom - 8);
    }
    g.setColor(new Color(120, 120, 120));
    for (Scored x : s) {
      int px = left + (int) ((w - left - right) * x.seconds() / tMax);
      int py = h - bottom - (int) ((h - top - bottom) * (x.reward() - rMin) / (rMax - rMin));
      g.fillOval(px - 2, py - 2, 4, 4);
    }
    g.setColor(new Color(200, 40, 40));
    g.setStroke(new BasicStroke(2f));
    int prevX = -1, prevY = -1;
    for (int i = 0; i < s.size(); i++) {
      List<Scored> win = s.subList(Math.max(0, i - 15), i + 1);
      double m = mean(win, false);
      int px = left + (int) ((w - left - right) * s.get(i).seconds() / tMax);
      int py = h - bottom - (int) ((h - top - bottom) * (m - rMin) / (rMax - rMin));
      if (prevX >= 0) {
        g.drawLine(prevX, prevY, px, py);
      }
      prevX = px;
      prevY = py;
    }
    g.dispose();
    try {
      Files.createDirectories(png.getParent());
      ImageIO.write(img, "png", png.toFile());
    } catch (IOException e) {
      throw new StackException("cannot write " + png + ": " + e.getMessage(), e);
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String run) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, run + "-rl-command");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(Topics.POLICY_MAX_MESSAGE_BYTES));
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(Topics.POLICY_MAX_MESSAGE_BYTES));
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
