package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Argument parsing and validation of {@code tessera policy publish}; no Kafka, no model loaded. */
class PolicyCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Tessera.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static PolicyPublishOptions parse(String... argv) {
    return PolicyPublishOptions.parse(Args.parse("policy publish", argv, PolicyPublishOptions.VALUED,
        PolicyPublishOptions.FLAGS));
  }

  @Test
  void defaultsAreTheLocalStacks() {
    PolicyPublishOptions o = parse();
    assertThat(o.modelDir()).isNull();
    assertThat(o.version()).isNull();
    assertThat(o.bootstrap()).hasToString(TopicsCommand.DEFAULT_BOOTSTRAP);
    assertThat(o.dir()).isEqualTo(Path.of(UpOptions.DEFAULT_DATA_DIR, "policies"));
    assertThat(o.inline()).isFalse();
    assertThat(o.name()).isEqualTo("default");
  }

  @Test
  void everyOption() {
    PolicyPublishOptions o = parse("--model-dir", "m", "--version=42", "--bootstrap", "localhost:19092",
        "--dir", "w", "--inline", "--name", "p");
    assertThat(o).isEqualTo(new PolicyPublishOptions(Path.of("m"), 42L, new HostPort("localhost", 19092),
        Path.of("w"), true, "p"));
    assertThat(parse("--data-dir", "/tmp/d").dir()).isEqualTo(Path.of("/tmp/d/policies"));
    assertThat(parse("--data-dir", "/tmp/d", "--dir", "x").dir()).isEqualTo(Path.of("x"));
  }

  @Test
  void badValuesNameTheOption() {
    assertThatThrownBy(() -> parse("--version", "0")).isInstanceOf(UsageException.class).hasMessageContaining("--version must be > 0");
    assertThatThrownBy(() -> parse("--version", "-3")).isInstanceOf(UsageException.class).hasMessageContaining("> 0");
    assertThatThrownBy(() -> parse("--version", "v2")).isInstanceOf(UsageException.class).hasMessageContaining("--version expects");
    assertThatThrownBy(() -> parse("--bootstrap", "nohost")).isInstanceOf(UsageException.class).hasMessageContaining("--bootstrap");
    assertThatThrownBy(() -> parse("--name", " ")).isInstanceOf(UsageException.class).hasMessageContaining("--name");
    assertThatThrownBy(() -> parse("extra")).isInstanceOf(UsageException.class).hasMessageContaining("extra");
  }

  @Test
  void versionIsAboveTheModelsAndTheTopicsNewest() {
    assertThat(PolicyCommand.nextVersion(null, 5600, null)).isEqualTo(5601);
    assertThat(PolicyCommand.nextVersion(null, 5600, new PolicyCommand.Newest(5601, "m"))).isEqualTo(5602);
    assertThat(PolicyCommand.nextVersion(null, 5600, new PolicyCommand.Newest(12, "m"))).isEqualTo(5601);
    assertThat(PolicyCommand.nextVersion(7L, 5600, null)).isEqualTo(7);
    assertThat(PolicyCommand.nextVersion(9000L, 5600, new PolicyCommand.Newest(5601, "m"))).isEqualTo(9000);
    assertThatThrownBy(() -> PolicyCommand.nextVersion(5601L, 5600, new PolicyCommand.Newest(5601, "m")))
        .isInstanceOf(UsageException.class).hasMessageContaining("not above v5601").hasMessageContaining("--version 5602");
  }

  @Test
  void inlineOnlyUpToPolicyJobsLimit() {
    PolicyCommand.checkInline(PolicyPublishOptions.INLINE_MAX_BYTES);
    assertThat(PolicyPublishOptions.INLINE_MAX_BYTES).isEqualTo(512 * 1024);
    assertThatThrownBy(() -> PolicyCommand.checkInline(PolicyPublishOptions.INLINE_MAX_BYTES + 1))
        .isInstanceOf(UsageException.class).hasMessageContaining("524288").hasMessageContaining("leave out --inline");
  }

  @Test
  void helpAndUsageErrors(@TempDir Path tmp) throws Exception {
    assertThat(run("policy", "--help")).isZero();
    assertThat(run("policy", "publish", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("publish", "--model-dir DIR", "--version N",
        "--bootstrap HOST:PORT", "--dir DIR", "--inline", "published policy v<N>");
    Files.createDirectories(tmp.resolve("empty"));
    for (List<String> argv : List.of(List.of("policy"), List.of("policy", "push"), List.of("policy", "publish", "--bogus"),
        List.of("policy", "publish", "--version", "0"), List.of("policy", "publish", "--model-dir", tmp.resolve("none").toString()),
        List.of("policy", "publish", "--model-dir", tmp.resolve("empty").toString()))) {
      err.reset();
      assertThat(run(argv.toArray(String[]::new))).as("%s", argv).isEqualTo(Tessera.USAGE);
      assertThat(err.toString(StandardCharsets.UTF_8).lines()).as("%s", argv).hasSize(1)
          .allMatch(l -> l.startsWith("tessera: "));
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a model directory", "model.properties");
  }
}
