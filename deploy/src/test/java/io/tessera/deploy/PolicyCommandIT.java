package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.embedded.EmbeddedKafka;
import io.tessera.generator.Generator;
import io.tessera.generator.model.ModelConfig;
import io.tessera.generator.model.Policy;
import io.tessera.generator.tokenize.Special;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.records.PolicyUpdate;
import io.tessera.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code tessera policy publish} against a real broker: the record read back from {@code tessera.policy} carries
 * the next version, the loaded model's id and the SHA-256 of the file its URI names (or of its inline weights).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyCommandIT {

  private static final Pattern LINE = Pattern.compile(
      "published policy v(\\d+) \\((\\d+) bytes, sha256 ([0-9a-f]{12})\\) to tessera\\.policy at (\\S+)");

  static Path dir;
  static EmbeddedKafka kafka;
  static Generator shipped;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void startKafka() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Files.createDirectories(tmp);
    dir = Files.createTempDirectory(tmp, "policy-command-it");
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    kafka.createTopics(Topics.ALL);
    shipped = Generator.loadDefault();
  }

  @AfterAll
  static void stop() {
    if (shipped != null) {
      shipped.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private int run(String... args) {
    out.reset();
    err.reset();
    return Tessera.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  @Order(1)
  void publishesTheShippedModelByFileUriUnderTheNextVersion() throws Exception {
    Path weights = dir.resolve("weights");
    long base = shipped.policy().version();

    assertThat(run("policy", "publish", "--bootstrap", kafka.bootstrapServers(), "--dir", weights.toString()))
        .as(err()).isZero();
    PolicyUpdate u = last(records());
    assertPrinted(u, Files.size(Path.of(URI.create(u.getUri()))));
    assertThat(u.getVersion()).isEqualTo(base + 1);
    assertThat(u.getBaseVersion()).isEqualTo(base);
    assertThat(u.getPolicyName()).isEqualTo("default");
    assertThat(u.getModelId()).isEqualTo(shipped.modelId());
    assertThat(u.getWeights()).isNull();
    Path file = Path.of(URI.create(u.getUri()));
    assertThat(file).isAbsolute().hasParent(weights.toAbsolutePath()).hasFileName("default-v" + (base + 1) + ".bin");
    byte[] bytes = Files.readAllBytes(file);
    assertThat(Policy.sha256(bytes)).isEqualTo(u.getSha256()).isEqualTo(Policy.sha256(shipped.policy().toBytes()));
    try (Stream<Path> files = Files.list(weights)) {
      assertThat(files.map(p -> p.getFileName().toString())).as("no temp file left").allMatch(n -> n.endsWith(".bin"));
    }

    // a second publish of the same model goes above the newest on the topic, not to the same version again
    assertThat(run("policy", "publish", "--bootstrap", kafka.bootstrapServers(), "--dir", weights.toString()))
        .as(err()).isZero();
    List<PolicyUpdate> all = records();
    assertThat(all).hasSize(2);
    assertThat(last(all).getVersion()).isEqualTo(base + 2);
    assertThat(last(all).getBaseVersion()).isEqualTo(base);
    assertPrinted(last(all), bytes.length);
  }

  @Test
  @Order(2)
  void refusesWhatTheGeneratorsWouldIgnoreOrCannotCarry() {
    long newest = last(records()).getVersion();
    Path weights = dir.resolve("refused");

    assertThat(run("policy", "publish", "--bootstrap", kafka.bootstrapServers(), "--dir", weights.toString(),
        "--version", Long.toString(newest))).isEqualTo(Tessera.USAGE);
    assertThat(err().lines()).singleElement().asString().startsWith("tessera: ")
        .contains("not above v" + newest, "--version " + (newest + 1));

    // the shipped model is ~17 MB: far above PolicyJob's 512 KiB inline limit
    assertThat(run("policy", "publish", "--bootstrap", kafka.bootstrapServers(), "--dir", weights.toString(),
        "--inline")).isEqualTo(Tessera.USAGE);
    assertThat(err().lines()).singleElement().asString().contains("inline limit of 524288 bytes", "leave out --inline");

    assertThat(records()).hasSize(2);
    assertThat(weights).doesNotExist();
  }

  @Test
  @Order(3)
  void publishesASmallModelDirectoryInline() throws Exception {
    Path model = dir.resolve("tiny-model");
    Tokenizers tokenizers = Tokenizers.loadDefault();
    ModelConfig config = new ModelConfig(tokenizers.vocabulary().size(), 16, 1, 2, 32, ModelConfig.DEFAULT_MAX_SEQ_LEN,
        ModelConfig.DEFAULT_ROPE_THETA, tokenizers.vocabulary().id(Special.EOS));
    try (Policy p = Policy.randomInit(config, 11); Policy v = p.withVersion(3)) {
      v.save(model);
    }
    String modelId;
    try (Generator tiny = Generator.load(model)) {
      modelId = tiny.modelId();
    }

    // well above anything the other tests publish from the shipped model's version
    long version = shipped.policy().version() + 1000;
    assertThat(run("policy", "publish", "--bootstrap", kafka.bootstrapServers(), "--model-dir", model.toString(),
        "--version", Long.toString(version), "--inline", "--name", "tiny", "--data-dir", dir.resolve("data").toString()))
        .as(err()).isZero();
    PolicyUpdate u = last(records());
    assertThat(u.getVersion()).isEqualTo(version);
    assertThat(u.getBaseVersion()).isEqualTo(3);
    assertThat(u.getPolicyName()).isEqualTo("tiny");
    assertThat(u.getModelId()).isEqualTo(modelId).isNotEqualTo(shipped.modelId());
    assertThat(u.getUri()).isNull();
    ByteBuffer b = u.getWeights().duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    assertThat(bytes.length).isLessThanOrEqualTo(PolicyPublishOptions.INLINE_MAX_BYTES);
    assertThat(Policy.sha256(bytes)).isEqualTo(u.getSha256());
    try (Policy decoded = Policy.fromBytes(bytes, config)) {
      assertThat(decoded.config()).isEqualTo(config);
    }
    assertPrinted(u, bytes.length);
    assertThat(dir.resolve("data")).as("inline: no file written").doesNotExist();
  }

  @Test
  @Order(4)
  void noKafkaThereSaysWhatToDo() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThat(run("policy", "publish", "--bootstrap", "127.0.0.1:" + port, "--dir", dir.resolve("none").toString(),
        "--model-dir", dir.resolve("tiny-model").toString())).isEqualTo(Tessera.FAILURE);
    assertThat(err().lines()).singleElement().asString().startsWith("tessera: ")
        .contains("127.0.0.1:" + port, "--bootstrap HOST:PORT");
    assertThat(dir.resolve("none")).doesNotExist();
  }

  private void assertPrinted(PolicyUpdate u, long bytes) {
    Matcher m = LINE.matcher(out().strip());
    assertThat(m.matches()).as(out()).isTrue();
    assertThat(Long.parseLong(m.group(1))).isEqualTo(u.getVersion());
    assertThat(Long.parseLong(m.group(2))).isEqualTo(bytes);
    assertThat(u.getSha256()).startsWith(m.group(3));
    assertThat(m.group(4)).isEqualTo(kafka.bootstrapServers());
  }

  private static PolicyUpdate last(List<PolicyUpdate> updates) {
    assertThat(updates).isNotEmpty();
    return updates.get(updates.size() - 1);
  }

  /** Every record on tessera.policy, in offset order (one partition). */
  private static List<PolicyUpdate> records() {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cfg)) {
      TopicPartition tp = new TopicPartition(Topics.POLICY.name(), 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      List<PolicyUpdate> updates = new ArrayList<>();
      while (c.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          assertThat(new String(r.key(), StandardCharsets.UTF_8)).isNotEmpty();
          PolicyUpdate u = Topics.POLICY.codec().decode(r.value());
          assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(u.getPolicyName());
          updates.add(u);
        }
      }
      return updates;
    }
  }
}
