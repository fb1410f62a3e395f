package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TesseraTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Tessera.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("up", "topics", "prompt");
  }

  @Test
  void eachCommandHasHelp() {
    assertThat(run("up", "--help")).isZero();
    assertThat(run("topics", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--data-dir", "--bootstrap HOST:PORT", "--flink");
  }

  /** Every command and subcommand answers --help with its usage, exit 0, and runs nothing. */
  @Test
  void everyCommandAndSubcommandAnswersHelp() {
    String[][] commands = {{"train"}, {"eval"}, {"rl"}, {"bench"}, {"bench", "engine"}, {"bench", "pipeline"},
        {"score"}, {"score", "serve"}, {"score", "train"}, {"score", "agreement"}, {"score", "best-of"},
        {"generate"}, {"prompt"}, {"status"}, {"feedback"}, {"tail"}, {"policy", "publish"}};
    for (String[] command : commands) {
      out.reset();
      String[] argv = java.util.stream.Stream.concat(java.util.Arrays.stream(command), java.util.stream.Stream.of("--help"))
          .toArray(String[]::new);
      assertThat(run(argv)).as("%s --help", String.join(" ", command)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).as("%s --help", String.join(" ", command))
          .startsWith("Usage: tessera " + String.join(" ", command));
    }
    out.reset();
    assertThat(run("score", "serve", "-h")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--port P", "8091");
  }

  @Test
  void usageErrorsExitWithTwoAndOneLine() {
    assertThat(run()).isEqualTo(Tessera.USAGE);
    for (List<String> argv : List.of(List.of("bogus"), List.of("up", "--bogus"), List.of("topics", "--bootstrap", "x"),
        List.of("up", "--job", "max-frames=0"))) {
      err.reset();
      assertThat(run(argv.toArray(String[]::new))).as("%s", argv).isEqualTo(Tessera.USAGE);
      assertThat(err().lines()).as("%s", argv).hasSize(1).allMatch(l -> l.startsWith("tessera: "));
    }
  }
}
