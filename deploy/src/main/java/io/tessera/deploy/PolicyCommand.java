package io.tessera.deploy;

import io.tessera.generator.Generator;
import io.tessera.generator.model.Policy;
import io.tessera.jobs.policy.WeightsPublisher;
import io.tessera.records.PolicyUpdate;
import io.tessera.schemas.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tessera policy publish}: new weights for the running generators without a restart. Loads a model
 * directory (or the shipped model), stamps it with a version, writes the weights atomically and publishes one
 * {@link PolicyUpdate} on {@code tessera.policy} (acks=all, waits for the ack) built by PolicyJob's
 * {@link WeightsPublisher}: policyName, version, baseVersion (the model's own version), modelId (the loaded
 * generator's, which the generate operator requires to equal its own), SHA-256 of the bytes, {@code file:} URI or
 * inline weights.
 */
final class PolicyCommand {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyCommand.class);
  private static final int TIMEOUT_MS = 10_000;

  static final String HELP = """
      Usage: tessera policy publish [options]

      Commands:
        publish  publish a model's weights on tessera.policy; the running generators swap them in without a
                 restart ('tessera policy publish --help' lists the options)
      """;

  /** The newest update already on {@code tessera.policy}: its version and model id. */
  record Newest(long version, String modelId) {}

  static int run(String[] argv, PrintStream out) {
    if (argv.length == 0) {
      throw new UsageException("policy needs a subcommand: publish; see 'tessera policy --help'");
    }
    switch (argv[0]) {
      case "--help", "-h", "help" -> {
        out.print(HELP);
        return Tessera.OK;
      }
      case "publish" -> {
        // handled below
      }
      default -> throw new UsageException("unknown 'policy " + argv[0] + "'; use 'tessera policy publish'"
          + " (see 'tessera policy --help')");
    }
    String[] rest = java.util.Arrays.copyOfRange(argv, 1, argv.length);
    Args args = Args.parse("policy publish", rest, PolicyPublishOptions.VALUED, PolicyPublishOptions.FLAGS);
    if (args.flag("help")) {
      out.print(PolicyPublishOptions.HELP);
      return Tessera.OK;
    }
    PolicyPublishOptions o = PolicyPublishOptions.parse(args);
    PolicyUpdate u = publish(o);
    String sha = u.getSha256();
    out.printf("published policy v%d (%d bytes, sha256 %s) to %s at %s%n", u.getVersion(), weightBytes(u),
        sha.substring(0, Math.min(12, sha.length())), Topics.POLICY.name(), o.bootstrap());
    return Tessera.OK;
  }

  /** Loads the model, writes its weights, publishes the update and waits for Kafka's ack; returns the update. */
  static PolicyUpdate publish(PolicyPublishOptions o) {
    checkModelDir(o.modelDir());
    try (Generator generator = load(o.modelDir())) {
      Policy loaded = generator.policy();
      if (o.inline()) {
        checkInline(loaded.toBytes().length);
      }
      String bootstrap = o.bootstrap().toString();
      Newest newest = newestOnTopic(bootstrap);
      long version = nextVersion(o.version(), loaded.version(), newest);
      if (newest != null && !newest.modelId().isEmpty() && !newest.modelId().equals(generator.modelId())) {
        LOG.warn("the newest update on {} (v{}) is for model {}, these weights are for {}: generators running {}"
            + " will refuse them (dead letter on {})", Topics.POLICY.name(), newest.version(), newest.modelId(),
            generator.modelId(), newest.modelId(), Topics.DLQ.name());
      }
      WeightsPublisher publisher = new WeightsPublisher(o.name(), generator.modelId(),
          o.inline() ? PolicyPublishOptions.INLINE_MAX_BYTES : -1, o.dir(), 1);
      PolicyUpdate update;
      try (Policy stamped = loaded.withVersion(version)) {
        update = publisher.update(stamped, loaded.version(), Map.of());
      } catch (UncheckedIOException e) {
        throw new StackException("cannot write the weights under " + o.dir().toAbsolutePath() + " ("
            + Failures.rootMessage(e) + "); pass --dir DIR with a writable directory", e);
      }
      try {
        send(bootstrap, update);
      } catch (RuntimeException e) {
        deleteWritten(update);
        throw e;
      }
      LOG.info("policy {} v{} (base v{}, model {}) published: {}", update.getPolicyName(), update.getVersion(),
          update.getBaseVersion(), update.getModelId(), update.getUri() != null ? update.getUri() : "inline");
      return update;
    }
  }

  /**
   * The version to stamp: the requested one, which must be above the newest on the topic (generators ignore a
   * version not above the one they run), or else the model's own version + 1, or the topic's newest + 1 when
   * higher (a second publish of the same model must not repeat a version).
   */
  static long nextVersion(Long requested, long modelVersion, Newest newest) {
    if (requested != null) {
      if (newest != null && requested <= newest.version()) {
        throw new UsageException("--version " + requested + " is not above v" + newest.version() + ", the newest on "
            + Topics.POLICY.name() + ", so the generators would ignore it; pass --version " + (newest.version() + 1)
            + " or leave --version out");
      }
      return requested;
    }
    return Math.max(modelVersion, newest == null ? 0 : newest.version()) + 1;
  }

  /** {@code --inline} only up to PolicyJob's limit: a larger record risks Kafka's 1 MiB request size. */
  static void checkInline(int weightBytes) {
    if (weightBytes > PolicyPublishOptions.INLINE_MAX_BYTES) {
      throw new UsageException("the weights are " + weightBytes + " bytes, above the inline limit of "
          + PolicyPublishOptions.INLINE_MAX_BYTES + " bytes (PolicyJob's policy.inline-max-bytes); leave out"
          + " --inline to send them by file: URI");
    }
  }

  static void checkModelDir(Path dir) {
    if (dir == null) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new UsageException("--model-dir " + dir + " is not a directory; pass a model directory written by"
          + " 'tessera train --out DIR' or 'tessera rl', or leave it out for the shipped model");
    }
    if (!Files.isRegularFile(dir.resolve(Policy.CONFIG_FILE)) || !Files.isRegularFile(dir.resolve(Policy.WEIGHTS_FILE))) {
      throw new UsageException("--model-dir " + dir + " is not a model directory (it needs " + Policy.CONFIG_FILE
          + " and " + Policy.WEIGHTS_FILE + "); pass one written by 'tessera train --out DIR' or 'tessera rl'");
    }
  }

  private static Generator load(Path modelDir) {
    try {
      return modelDir == null ? Generator.loadDefault() : Generator.load(modelDir);
    } catch (RuntimeException e) {
      throw new StackException("cannot load the model " + (modelDir == null ? "shipped with Tessera" : "in " + modelDir)
          + ": " + Failures.rootMessage(e), e);
    }
  }

  /** Reads {@code tessera.policy} to its end: the highest version on it (any policy name), or null if empty. */
  static Newest newestOnTopic(String bootstrap) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cfg.put(ConsumerConfig.CLIENT_ID_CONFIG, "tessera-policy-publish");
    cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    cfg.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    cfg.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    cfg.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    cfg.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    String topic = Topics.POLICY.name();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cfg)) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofMillis(TIMEOUT_MS));
      if (infos == null || infos.isEmpty()) {
        throw new StackException("topic " + topic + " does not exist at " + bootstrap + "; start 'tessera up' (it"
            + " creates the topics) or pass --bootstrap HOST:PORT of the Kafka the generators read");
      }
      List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      Newest newest = null;
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new StackException("could not read " + topic + " to its end at " + bootstrap + " within "
              + TIMEOUT_MS / 1000 + " s; is Kafka overloaded? Retry, or pass --version N");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          PolicyUpdate u;
          try {
            u = Topics.POLICY.codec().decode(r.value());
          } catch (RuntimeException e) {
            LOG.debug("skipping an undecodable record at {} offset {}", r.partition(), r.offset(), e);
            continue;
          }
          if (newest == null || u.getVersion() > newest.version()) {
            newest = new Newest(u.getVersion(), u.getModelId());
          }
        }
      }
      return newest;
    } catch (KafkaException e) {
      throw new StackException("cannot read " + topic + " from Kafka at " + bootstrap + " (" + Failures.rootMessage(e)
          + "); is 'tessera up' running, or pass --bootstrap HOST:PORT", e);
    }
  }

  /** One record, key = policy name, acks=all; returns once Kafka acknowledged it. */
  private static void send(String bootstrap, PolicyUpdate update) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cfg.put(ProducerConfig.CLIENT_ID_CONFIG, "tessera-policy-publish");
    cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    cfg.put(ProducerConfig.ACKS_CONFIG, "all");
    cfg.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TIMEOUT_MS);
    cfg.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    cfg.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2 * TIMEOUT_MS);
    cfg.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    String topic = Topics.POLICY.name();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(cfg)) {
      producer.send(new ProducerRecord<>(topic, Topics.POLICY.keyBytesOf(update), Topics.POLICY.codec().encode(update)))
          .get(3L * TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw new StackException("cannot publish to " + topic + " at " + bootstrap + " (" + Failures.rootMessage(e)
          + "); is 'tessera up' running, or pass --bootstrap HOST:PORT", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while publishing to " + topic, e);
    }
  }

  /** Bytes of the weights: inline, or the size of the file the URI names. */
  static long weightBytes(PolicyUpdate u) {
    if (u.getWeights() != null) {
      return u.getWeights().remaining();
    }
    try {
      return Files.size(Path.of(URI.create(u.getUri())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteWritten(PolicyUpdate update) {
    if (update.getUri() == null) {
      return;
    }
    try {
      Files.deleteIfExists(Path.of(URI.create(update.getUri())));
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not delete {}", update.getUri(), e);
    }
  }

  private PolicyCommand() {}
}
