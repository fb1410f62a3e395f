package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.embedded.EmbeddedKafka;
import io.tessera.generator.Generator;
import io.tessera.jobs.GenerationJob;
import io.tessera.jobs.JobConfig;
import io.tessera.jobs.LocalCluster;
import io.tessera.records.Cancel;
import io.tessera.records.DeadLetter;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationRequest;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.Topic;
import io.tessera.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobStatus;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code tessera policy publish} into a running GenerationJob (local cluster, parallelism 1, the shipped model, an
 * in-process broker): the chunks of every sample of a long request are stamped with the shipped version until the
 * command has published, and with the new version after, once, without a restart. The request (8 samples x 56
 * frames, ~7,600 tokens, many seconds even on a quiet machine) is published to once its samples have made two
 * chunks, and cancelled as soon as every sample shows chunks on the new version, so it never has to run to its end.
 */
class PolicyPublishSwapIT {

  static final int LONG_FRAMES = 56;
  static final int SAMPLES = 8;
  /** Chunks on the new version each sample must show before the request is cancelled. */
  static final int CHUNKS_ON_NEW = 2;
  static final Duration PATIENCE = Duration.ofMinutes(5);

  static Path work;
  static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Files.createDirectories(tmp);
    work = Files.createTempDirectory(tmp, "policy-swap-it");
    kafka = EmbeddedKafka.start(work.resolve("kafka"), 0);
    kafka.createTopics(Topics.ALL);
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void chunksAfterThePublishCarryTheNewVersion() throws Exception {
    long base;
    try (Generator g = Generator.loadDefault()) {
      base = g.policy().version();
    }
    String id = "swap-" + UUID.randomUUID().toString().substring(0, 8);

    Configuration conf = LocalCluster.configuration(work, 0); // a restart would fail the job: none expected
    // the applied policy is checkpointed with its weights (17.7 MB): file storage, as 'tessera up' has
    conf.setString("execution.checkpointing.dir", work.resolve("checkpoints").toUri().toString());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    GenerationJob.addToEnvironment(env, JobConfig.fromArgs(new String[] {
        "--bootstrap", kafka.bootstrapServers(), "--group-prefix", id, "--checkpoint-interval", "30 s"}));
    JobClient job = env.executeAsync("tessera-policy-publish-it");

    Map<Integer, List<TokenChunk>> chunks = new TreeMap<>();
    List<DeadLetter> dead = new ArrayList<>();
    String printed = null;
    boolean cancelSent = false;
    try (KafkaProducer<byte[], byte[]> producer = producer(); KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      send(producer, Topics.PROMPTS, id, GenerationRequest.newBuilder().setRequestId(id).setTask(Task.TEXT_TO_VIDEO)
          .setPrompt("a red circle moving left")
          .setSampling(SamplingParams.newBuilder().setFrames(LONG_FRAMES).setSamples(SAMPLES).setSeed(7).build())
          .setCreatedAtMs(System.currentTimeMillis()).build());
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (chunks.size() < SAMPLES || !chunks.values().stream().allMatch(own -> last(own).getFinal$())) {
        assertThat(System.nanoTime()).as("the request ended within %s; published: %s; chunks (seq:version) %s",
            PATIENCE, printed, progress(chunks)).isLessThan(deadline);
        assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job ended early").isFalse();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.topic().equals(Topics.DLQ.name())) {
            dead.add(Topics.DLQ.codec().decode(r.value()));
          } else {
            TokenChunk c = Topics.TOKENS.codec().decode(r.value());
            chunks.computeIfAbsent(c.getSampleIndex(), k -> new ArrayList<>()).add(c);
          }
        }
        if (printed == null && chunks.size() == SAMPLES && chunks.values().stream().allMatch(own -> own.size() >= 2)) {
          printed = publish();
        }
        boolean allOnNew = chunks.size() == SAMPLES && chunks.values().stream().allMatch(own -> own.stream()
            .filter(c -> c.getPolicyVersion() == base + 1 && !c.getFinal$()).count() >= CHUNKS_ON_NEW);
        if (!cancelSent && allOnNew) {
          send(producer, Topics.CONTROL, id, Cancel.newBuilder().setRequestId(id).setReason("seen on the new version")
              .setRequestedAtMs(System.currentTimeMillis()).build());
          cancelSent = true;
        }
      }
      assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    } finally {
      job.cancel().get();
      try {
        job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
      } catch (ExecutionException expected) {
        // CANCELED
      }
    }

    assertThat(printed).startsWith("published policy v" + (base + 1) + " (");
    assertThat(dead).as("dead letters").isEmpty();
    assertThat(chunks).hasSize(SAMPLES);
    chunks.forEach((sample, own) -> {
      for (int i = 0; i < own.size(); i++) {
        assertThat(own.get(i).getSeq()).as("sample %d: dense, no repeats (no restart)", sample).isEqualTo(i);
      }
      assertThat(last(own).getFinishReason()).isEqualTo(FinishReason.CANCELLED);
      List<Long> versions = own.stream().map(TokenChunk::getPolicyVersion).toList();
      assertThat(versions.get(0)).as("sample %d starts on the shipped version", sample).isEqualTo(base);
      assertThat(last(versions)).as("sample %d ends on the published version", sample).isEqualTo(base + 1);
      assertThat(versions).as("sample %d never goes back", sample).isSorted();
    });
    System.out.printf("POLICY PUBLISH SWAP %s: %s; chunks (seq:version) of sample 0: %s%n", id, printed,
        progress(chunks).get(0));
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }

  private static Map<Integer, List<String>> progress(Map<Integer, List<TokenChunk>> chunks) {
    Map<Integer, List<String>> out = new TreeMap<>();
    chunks.forEach((sample, own) -> out.put(sample, own.stream().map(c -> c.getSeq() + ":" + c.getPolicyVersion()
        + (c.getFinal$() ? ":" + c.getFinishReason() : "")).toList()));
    return out;
  }

  /** Runs the command as a user would; returns the line it printed. */
  private static String publish() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Tessera.run(new String[] {"policy", "publish", "--bootstrap", kafka.bootstrapServers(),
        "--dir", work.resolve("policies").toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8).strip();
  }

  static <V extends SpecificRecord> void send(KafkaProducer<byte[], byte[]> producer, Topic<V> topic, String key,
      V value) {
    producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8), topic.codec().encode(value)));
    producer.flush();
  }

  static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return new KafkaProducer<>(p);
  }

  static KafkaConsumer<byte[], byte[]> consumer() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "policy-swap-it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
    consumer.subscribe(List.of(Topics.TOKENS.name(), Topics.DLQ.name()));
    return consumer;
  }
}
