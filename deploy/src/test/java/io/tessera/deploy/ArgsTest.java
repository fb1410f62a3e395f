package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {

  private static Args parse(String... argv) {
    return Args.parse("up", argv, Set.of("port", "job"), Set.of("help", "fresh"));
  }

  @Test
  void readsSpacedAndEqualsFormsAndFlags() {
    Args args = parse("--port", "9093", "--job=a=1", "--job", "b=2", "--fresh");
    assertThat(args.intValue("port", 9092, 0, 65535)).isEqualTo(9093);
    assertThat(args.all("job")).containsExactly("a=1", "b=2");
    assertThat(args.flag("fresh")).isTrue();
    assertThat(args.flag("help")).isFalse();
    assertThat(args.get("missing", "default")).isEqualTo("default");
  }

  @Test
  void theLastValueWins() {
    assertThat(parse("--port", "1", "--port", "2").intValue("port", 0, 0, 65535)).isEqualTo(2);
  }

  @Test
  void mistakesAreUsageErrorsThatNameTheOption() {
    assertThatThrownBy(() -> parse("--prot", "1")).isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown option --prot").hasMessageContaining("tessera up --help");
    assertThatThrownBy(() -> parse("--port")).isInstanceOf(UsageException.class)
        .hasMessageContaining("--port needs a value");
    assertThatThrownBy(() -> parse("--fresh=yes")).isInstanceOf(UsageException.class)
        .hasMessageContaining("--fresh takes no value");
    assertThatThrownBy(() -> parse("--port", "x").intValue("port", 0, 0, 65535))
        .isInstanceOf(UsageException.class).hasMessageContaining("expects a number");
    assertThatThrownBy(() -> parse("--port", "70000").intValue("port", 0, 0, 65535))
        .isInstanceOf(UsageException.class).hasMessageContaining("0..65535");
    assertThatThrownBy(() -> parse("stray").requireNoPositional()).isInstanceOf(UsageException.class)
        .hasMessageContaining("'stray'");
  }

  @Test
  void hostPortsParseAndReject() {
    assertThat(HostPort.parse("--bootstrap", "127.0.0.1:9092")).isEqualTo(new HostPort("127.0.0.1", 9092));
    assertThat(HostPort.parse("--flink", "flink.local:8081").toString()).isEqualTo("flink.local:8081");
    for (String bad : new String[] {"9092", "host:", ":9092", "host:port", "host:0", "host:70000"}) {
      assertThatThrownBy(() -> HostPort.parse("--bootstrap", bad)).as(bad).isInstanceOf(UsageException.class);
    }
  }
}
