package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpOptionsTest {

  private static UpOptions parse(String... argv) {
    return UpOptions.parse(Args.parse("up", argv, UpOptions.VALUED, UpOptions.FLAGS));
  }

  @Test
  void defaultsWorkOnAFreshMachine() {
    UpOptions o = parse();
    assertThat(o.kafkaPort()).isEqualTo(9092);
    assertThat(o.dataDir()).isEqualTo(Path.of(".tessera"));
    assertThat(o.bootstrap()).isNull();
    assertThat(o.flink()).isNull();
    assertThat(o.gatewayPort()).isEqualTo(8080);
    assertThat(o.runJobs()).isTrue();
    assertThat(o.runGateway()).isTrue();
    assertThat(o.fresh()).isFalse();
  }

  @Test
  void readsEveryOption() {
    UpOptions o = parse("--port", "0", "--data-dir", "d", "--bootstrap", "k:1", "--flink", "f:2", "--job-jar", "x.jar",
        "--gateway-port", "0", "--flink-ui-port", "0", "--slots", "2", "--job", "engine.max-batch=8",
        "--job", "checkpoint-interval = 5s", "--no-gateway", "--fresh");
    assertThat(o.kafkaPort()).isZero();
    assertThat(o.bootstrap()).isEqualTo(new HostPort("k", 1));
    assertThat(o.flink()).isEqualTo(new HostPort("f", 2));
    assertThat(o.jobJar()).isEqualTo(Path.of("x.jar"));
    assertThat(o.slots()).isEqualTo(2);
    assertThat(o.jobOptions()).isEqualTo(Map.of("engine.max-batch", "8", "checkpoint-interval", "5s"));
    assertThat(o.runGateway()).isFalse();
    assertThat(o.fresh()).isTrue();
  }

  @Test
  void rejectsInconsistentOptions() {
    assertThatThrownBy(() -> parse("--job", "novalue")).isInstanceOf(UsageException.class)
        .hasMessageContaining("KEY=VALUE");
    assertThatThrownBy(() -> parse("--job-jar", "x.jar")).isInstanceOf(UsageException.class)
        .hasMessageContaining("only applies with --flink");
    assertThatThrownBy(() -> parse("--slots", "0")).isInstanceOf(UsageException.class);
  }

  @Test
  void badJobOptionsAreUsageErrorsNamingTheKey() {
    assertThatThrownBy(() -> JobsPart.jobConfig("127.0.0.1:9092", Map.of("max-frames", "0")))
        .isInstanceOf(UsageException.class).hasMessageContaining("max-frames");
    assertThat(JobsPart.jobConfig("127.0.0.1:9092", Map.of()).bootstrapServers()).isEqualTo("127.0.0.1:9092");
  }
}
