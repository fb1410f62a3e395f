package io.tessera.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.ingest.status.GenerationStatus;
import io.tessera.ingest.status.GenerationStatus.SampleStatus;
import io.tessera.ingest.status.GenerationStatus.State;
import io.tessera.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Argument parsing, help, one-line errors and exit codes of feedback, status and tail (no servers needed). */
class ClientCommandsTest {

    interface Command {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void everyCommandHasHelpWithItsOptionsAndTheExitCodes() {
        Object[][] commands = {
            {(Command) FeedbackCommand::run, "tessera feedback ID", "--prefer A --over B", "--gateway"},
            {(Command) StatusCommand::run, "tessera status ID", "--json", "--data-dir"},
            {(Command) TailCommand::run, "tessera tail TOPIC", "--from-beginning", "--bootstrap"},
            {(Command) PromptCommand::run, "tessera prompt", "--guidance", "--data-dir"},
        };
        for (Object[] c : commands) {
            outBytes.reset();
            assertThat(((Command) c[0]).run(new String[] {"--help"}, out, err)).isZero();
            assertThat(out()).contains((String) c[1], (String) c[2], (String) c[3], "Exit codes: 0 ok, 1 failed,"
                    + " 2 usage error", "3 not found", "4 unauthorized", "5 gateway or Kafka unreachable");
        }
        assertThat(err()).isEmpty();
    }

    @Test
    void usageErrorsExitTwoWithOneLineNamingTheProblem() {
        Object[][] cases = {
            {(Command) FeedbackCommand::run, new String[] {"--up"}, "request id is missing"},
            {(Command) FeedbackCommand::run, new String[] {"id"}, "--up, --down, --rating N or --prefer A --over B"},
            {(Command) FeedbackCommand::run, new String[] {"id", "--up", "--down"}, "only one of"},
            {(Command) FeedbackCommand::run, new String[] {"id", "--rating", "6"}, "--rating must be in [1, 5]"},
            {(Command) FeedbackCommand::run, new String[] {"id", "--rating", "x"}, "--rating must be an integer"},
            {(Command) FeedbackCommand::run, new String[] {"id", "--prefer", "1"}, "--prefer A needs --over B"},
            {(Command) FeedbackCommand::run, new String[] {"id", "--prefer", "1", "--over", "1"}, "different"},
            {(Command) FeedbackCommand::run, new String[] {"id", "--up", "--sample", "-1"}, "--sample must be in"},
            {(Command) FeedbackCommand::run, new String[] {"id", "--up", "--colour"}, "unknown option --colour"},
            {(Command) StatusCommand::run, new String[] {}, "request id is missing"},
            {(Command) StatusCommand::run, new String[] {"a", "b"}, "only one request id"},
            {(Command) StatusCommand::run, new String[] {"a", "--gateway", "ftp://x"}, "--gateway must be"},
            {(Command) StatusCommand::run, new String[] {"a", "--gateway"}, "--gateway needs a value"},
            {(Command) TailCommand::run, new String[] {}, "the topic is missing"},
            {(Command) TailCommand::run, new String[] {"nope"}, "unknown topic 'nope'; one of tessera.prompts"},
            {(Command) TailCommand::run, new String[] {"tokens", "--from-beginning", "--last", "3"}, "only one of"},
            {(Command) TailCommand::run, new String[] {"tokens", "--offset", "-1"}, "--offset must be >= 0"},
            {(Command) TailCommand::run, new String[] {"tokens", "--max", "0"}, "--max must be at least 1"},
            {(Command) TailCommand::run, new String[] {"tokens", "--bootstrap", "nohost"}, "HOST:PORT"},
            {(Command) TailCommand::run, new String[] {"tokens", "--meta=yes"}, "--meta takes no value"},
        };
        for (Object[] c : cases) {
            errBytes.reset();
            String[] args = (String[]) c[1];
            assertThat(((Command) c[0]).run(args, out, err)).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
            assertThat(err().lines().count()).as(err()).isEqualTo(1);
            assertThat(err()).startsWith("tessera ").contains((String) c[2]).contains("--help");
        }
    }

    @Test
    void feedbackBodiesForEveryKind() throws Exception {
        Function<String[], String> body = a -> {
            try {
                return FeedbackCommand.body(CliArgs.parse(a, Set.of("rating", "prefer", "over", "sample", "user"),
                        Set.of("up", "down"))).toString();
            } catch (UsageException e) {
                throw new AssertionError(e);
            }
        };
        assertThat(body.apply(new String[] {"r1", "--up"}))
                .isEqualTo("{\"requestId\":\"r1\",\"kind\":\"up\",\"sampleIndex\":0}");
        assertThat(body.apply(new String[] {"r1", "--down", "--sample", "2", "--user", "ann"}))
                .isEqualTo("{\"requestId\":\"r1\",\"user\":\"ann\",\"kind\":\"down\",\"sampleIndex\":2}");
        assertThat(body.apply(new String[] {"r1", "--rating=4"}))
                .isEqualTo("{\"requestId\":\"r1\",\"kind\":\"rating\",\"sampleIndex\":0,\"rating\":4}");
        assertThat(body.apply(new String[] {"--prefer", "1", "r1", "--over", "0"})).isEqualTo(
                "{\"requestId\":\"r1\",\"kind\":\"preference\",\"preferredSample\":1,\"rejectedSample\":0}");
    }

    @Test
    void tailOptions() throws Exception {
        TailCommand.Options o = TailCommand.options(CliArgs.parse(new String[] {"tokens", "--last", "5", "--max",
            "10", "--idle", "3", "--key", "r1", "--meta", "--bootstrap", "127.0.0.1:1234"},
                Set.of("offset", "last", "key", "max", "idle", "bootstrap"), Set.of("from-beginning", "meta")));
        assertThat(o.topic()).isEqualTo(Topics.TOKENS);
        assertThat(o.start()).isEqualTo(TailCommand.Start.LAST);
        assertThat(o.position()).isEqualTo(5);
        assertThat(o.max()).isEqualTo(10);
        assertThat(o.idle()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.key()).isEqualTo("r1");
        assertThat(o.meta()).isTrue();
        TailCommand.Options d = TailCommand.options(CliArgs.parse(new String[] {"tessera.dlq"},
                Set.of("bootstrap"), Set.of()));
        assertThat(d.topic()).isEqualTo(Topics.DLQ);
        assertThat(d.start()).isEqualTo(TailCommand.Start.END);
        assertThat(d.bootstrap()).isEqualTo(TailCommand.DEFAULT_BOOTSTRAP);
        assertThat(d.max()).isZero();
        assertThat(d.idle()).isNull();
    }

    @Test
    void unreachableGatewayAndKafkaExitFiveSayingHowToStartThem() throws Exception {
        int port = freePort();
        String gw = "http://127.0.0.1:" + port;
        assertThat(StatusCommand.run(new String[] {"r1", "--gateway", gw, "--data-dir", "target/tmp/none"}, out, err))
                .isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(FeedbackCommand.run(new String[] {"r1", "--up", "--gateway", gw, "--data-dir", "target/tmp/none"},
                out, err)).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(TailCommand.run(new String[] {"tokens", "--bootstrap", "127.0.0.1:" + freePort()}, out, err))
                .isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(err().lines().toList()).containsExactly(
                "tessera status: cannot reach the gateway at " + gw + ": start it with bin/tessera up (or point"
                        + " --gateway at a running one)",
                "tessera feedback: cannot reach the gateway at " + gw + ": start it with bin/tessera up (or point"
                        + " --gateway at a running one)",
                err().lines().toList().get(2));
        assertThat(err().lines().toList().get(2)).startsWith("tessera tail: cannot reach Kafka at 127.0.0.1:")
                .endsWith("start it with bin/tessera up (or pass --bootstrap HOST:PORT)");
    }

    @Test
    void answersMapToExitCodesAndOneLineThatSaysWhatToDo() {
        GatewayClient none = new GatewayClient(URI.create("http://127.0.0.1:1"), Path.of("d"), Optional.empty());
        GatewayClient keyed = new GatewayClient(URI.create("http://127.0.0.1:1"), Path.of("d"), Optional.of("k"));
        Function<Integer, GatewayClient.Response> answer = code -> new GatewayClient.Response(code,
                "{\"error\":\"why\",\"field\":\"rating\"}", GatewayClient.json("{\"error\":\"why\",\"field\":"
                        + "\"rating\"}"), code == 429 ? "2" : null);
        assertThat(none.failure(answer.apply(401), "generation r1").exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(none.failure(answer.apply(401), "generation r1").getMessage())
                .contains("none was found", "run bin/tessera up");
        assertThat(keyed.failure(answer.apply(401), "generation r1").getMessage()).contains("does not accept");
        assertThat(keyed.failure(answer.apply(403), "generation r1").exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(keyed.failure(answer.apply(404), "generation r1").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(keyed.failure(answer.apply(400), "generation r1").getMessage())
                .isEqualTo("the gateway refused the request (400, rating): why");
        assertThat(keyed.failure(answer.apply(400), "x").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(keyed.failure(answer.apply(429), "x").getMessage()).endsWith("retry in 2 s");
        assertThat(keyed.failure(answer.apply(500), "x").exitCode()).isEqualTo(ExitCodes.FAILURE);
    }

    @Test
    void statusRendersOneFactALine() {
        GenerationStatus s = new GenerationStatus("r1", State.GENERATING, "dev", "TEXT_TO_VIDEO", 2, 16,
                List.of(new SampleStatus(0, 5, 16, false, null, 3L, null, null, null, null),
                        new SampleStatus(1, 16, 16, true, "LENGTH", 3L, 400, 41L, 2210L, 0.5)),
                3L, 1L, 2L, null, 3L, 3L, 41L, 2210L, 0.5, null, 0);
        assertThat(StatusCommand.render(s)).isEqualTo(String.join(System.lineSeparator(),
                "request      r1  (tenant dev)  TEXT_TO_VIDEO",
                "state        GENERATING frame 21 of 32 (policy v3), reward 0.500",
                "sample 0     frames 5/16, policy v3",
                "sample 1     frames 16/16, done (LENGTH), policy v3, reward 0.500",
                "timings      queued 3 ms, first token 41 ms, total 2210 ms",
                "reward       0.500 (mean of the scored samples)", ""));
        assertThatThrownBy(() -> GenerationStatus.fromJson("[1]")).isInstanceOf(IllegalArgumentException.class);
    }
}
