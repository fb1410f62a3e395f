package io.tessera.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.embedded.EmbeddedKafka;
import io.tessera.ingest.Gateway;
import io.tessera.ingest.GatewayConfig;
import io.tessera.ingest.Records;
import io.tessera.ingest.TestMedia;
import io.tessera.ingest.auth.ApiKeys;
import io.tessera.ingest.status.StatusConfig;
import io.tessera.ingest.status.StatusService;
import io.tessera.records.Feedback;
import io.tessera.records.FeedbackKind;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationRequest;
import io.tessera.schemas.Topic;
import io.tessera.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client commands against a real broker, the real status store and the real gateway with API keys on (the
 * development key that {@code up} makes, found by the commands in {@code --data-dir}). The test writes the records
 * the jobs would write.
 */
class ClientCommandsIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static Path dir;
    static EmbeddedKafka kafka;
    static StatusService statuses;
    static Gateway gateway;
    static KafkaProducer<String, byte[]> producer;
    static String gw;

    @BeforeAll
    static void start() {
        dir = Path.of("target/tmp/cli-it-" + System.nanoTime()).toAbsolutePath();
        kafka = EmbeddedKafka.start(dir, 0);
        kafka.createTopics(Topics.ALL);
        ApiKeys.developmentKey(dir);
        statuses = StatusService.start(StatusConfig.defaults(kafka.bootstrapServers(), dir));
        gateway = Gateway.start(GatewayConfig.defaults(kafka.bootstrapServers()).withPort(0)
                .withApiKeysFile(dir.resolve(ApiKeys.KEYS_FILE)), statuses);
        gw = gateway.baseUri().toString();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {producer, gateway, statuses, kafka}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One run of a command with captured output. */
    record Run(int code, String out, String err) {}

    static Run run(ClientCommandsTest.Command c, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = c.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    static <V extends SpecificRecord> void send(Topic<V> topic, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), topic.keyOf(value), topic.codec().encode(value)))
                .get(30, TimeUnit.SECONDS);
    }

    static Run poll(String what, java.util.function.Supplier<Run> run, java.util.function.Predicate<Run> ok)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Run r = run.get();
        while (!ok.test(r)) {
            assertThat(System.nanoTime()).as("waiting for " + what + "; last run " + r).isLessThan(deadline);
            Thread.sleep(100);
            r = run.get();
        }
        return r;
    }

    @Test
    void promptThenStatusFeedbackAndTailEndToEnd() throws Exception {
        Path out = dir.resolve("out");
        Path frames = Files.createDirectories(dir.resolve("cond"));
        Files.write(frames.resolve("f0.png"), TestMedia.png(32, 32, 0));
        Files.write(frames.resolve("f1.png"), TestMedia.png(32, 32, 50));
        long before = System.currentTimeMillis();
        CompletableFuture<Run> prompt = CompletableFuture.supplyAsync(() -> run(PromptCommand::run,
                "--task", "VIDEO_CONTINUATION", "--video", frames.toString(), "--frames", "2", "--samples", "2",
                "--seed", "5", "--gateway", gw, "--data-dir", dir.toString(), "--out", out.toString(),
                "--timeout", "120"));

        // The request on tessera.prompts, read back with tail (as JSON lines).
        Run tailed = poll("the CLI's request on tessera.prompts", () -> run(TailCommand::run, "prompts",
                "--from-beginning", "--idle", "2", "--bootstrap", kafka.bootstrapServers()),
                r -> r.out().contains("VIDEO_CONTINUATION"));
        assertThat(tailed.code()).isZero();
        GenerationRequest req = Topics.PROMPTS.json().fromJson(tailed.out().lines().filter(l -> l.contains(
                "VIDEO_CONTINUATION")).reduce((a, b) -> b).orElseThrow());
        String id = req.getRequestId();
        assertThat(req.getConditioningFrames()).isEqualTo(2);
        assertThat(req.getTenant()).isEqualTo(ApiKeys.DEV_TENANT);
        assertThat(req.getCreatedAtMs()).isGreaterThanOrEqualTo(before);

        // Status while it waits: queued, for people and as JSON.
        Run st = poll("status QUEUED", () -> run(StatusCommand::run, id, "--gateway", gw, "--data-dir",
                dir.toString()), r -> r.code() == 0 && r.out().contains("QUEUED"));
        assertThat(st.out()).contains("request      " + id, "tenant dev");

        // Answer as the jobs would: both samples, two frames each.
        for (int s = 0; s < 2; s++) {
            for (int f = 0; f < 2; f++) {
                send(Topics.TOKENS, Records.token(id, s, f, f, f == 1));
                send(Topics.MEDIA_OUT, Records.frame(id, s, f, 2, TestMedia.png(32, 32, 20 * f)));
            }
            send(Topics.GENERATIONS, Records.completed(id, s, 2, FinishReason.LENGTH));
        }
        Run done = prompt.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(done.code()).as(done.toString()).isZero();
        assertThat(out.resolve(id).resolve("sample-1").resolve("clip.gif")).exists();
        assertThat(out.resolve(id).resolve("sample-0").resolve("frame-001.png")).exists();

        Run json = poll("status DONE", () -> run(StatusCommand::run, id, "--json", "--gateway", gw, "--data-dir",
                dir.toString()), r -> r.out().contains("\"state\":\"DONE\""));
        assertThat(io.tessera.ingest.status.GenerationStatus.fromJson(json.out()).framesDone()).isEqualTo(4);
        assertThat(run(StatusCommand::run, id, "--gateway", gw, "--data-dir", dir.toString()).out())
                .contains("state        DONE (policy v3)", "sample 1     frames 2/2, done (LENGTH)");

        // Feedback: thumbs up and a preference, each a record on tessera.feedback.
        Run up = run(FeedbackCommand::run, id, "--up", "--sample", "1", "--gateway", gw, "--data-dir",
                dir.toString());
        assertThat(up.code()).as(up.toString()).isZero();
        assertThat(up.out()).contains("feedback recorded for " + id + ": thumbs up on sample 1");
        Run prefer = run(FeedbackCommand::run, id, "--prefer", "1", "--over", "0", "--gateway", gw, "--data-dir",
                dir.toString());
        assertThat(prefer.code()).as(prefer.toString()).isZero();
        Run fb = poll("two feedback records", () -> run(TailCommand::run, "feedback", "--from-beginning", "--key",
                id, "--max", "2", "--idle", "5", "--bootstrap", kafka.bootstrapServers()),
                r -> r.out().lines().count() == 2);
        List<Feedback> records = fb.out().lines().map(l -> Topics.FEEDBACK.json().fromJson(l)).toList();
        assertThat(records).extracting(Feedback::getKind).containsExactly(FeedbackKind.THUMBS_UP,
                FeedbackKind.PREFERENCE);
        assertThat(records.get(0).getSampleIndex()).isEqualTo(1);
        assertThat(records.get(1).getPreferredSample()).isEqualTo(1);
        assertThat(records.get(1).getTenant()).isEqualTo(ApiKeys.DEV_TENANT);

        // A sample the request does not have: the gateway's 400 is a usage error naming the field.
        Run bad = run(FeedbackCommand::run, id, "--prefer", "5", "--over", "0", "--gateway", gw, "--data-dir",
                dir.toString());
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).startsWith("tessera feedback: the gateway refused the request (400, preferredSample)");
    }

    @Test
    void unknownIdsAndMissingOrWrongKeysHaveTheirExitCodes() throws Exception {
        Run missing = run(StatusCommand::run, "no-such-request", "--gateway", gw, "--data-dir", dir.toString());
        assertThat(missing.code()).as(missing.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).startsWith("tessera status: no generation no-such-request (404)");
        Run feedback = run(FeedbackCommand::run, "no-such-request", "--down", "--gateway", gw, "--data-dir",
                dir.toString());
        assertThat(feedback.code()).isEqualTo(ExitCodes.NOT_FOUND);

        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                gateway.baseUri().resolve("/v1/generations/x")).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (anonymous.statusCode() == 401) {  // authentication is on (it is, unless the gateway changed)
            Path empty = Files.createDirectories(dir.resolve("no-key"));
            Run none = run(StatusCommand::run, "x", "--gateway", gw, "--data-dir", empty.toString());
            assertThat(none.code()).isEqualTo(ExitCodes.UNAUTHORIZED);
            assertThat(none.err()).contains("none was found", "bin/tessera up");
            Path wrong = Files.createDirectories(dir.resolve("wrong-key"));
            Files.writeString(wrong.resolve(ApiKeys.CLIENT_KEY_FILE), "this-key-is-not-known-here-at-all");
            Run refused = run(FeedbackCommand::run, "x", "--up", "--gateway", gw, "--data-dir", wrong.toString());
            assertThat(refused.code()).isEqualTo(ExitCodes.UNAUTHORIZED);
            assertThat(refused.err()).contains("does not accept this API key");
        }
    }

    @Test
    void tailFromAnOffsetOrTheLastRecordsSkippingUndecodableOnes() throws Exception {
        String id = "tail-" + System.nanoTime();
        // One partition holds every record of a key: offsets are per partition, so find this one's first.
        for (int i = 0; i < 3; i++) {
            send(Topics.CONTROL, io.tessera.records.Cancel.newBuilder().setRequestId(id).setReason("r" + i).build());
        }
        producer.send(new ProducerRecord<>(Topics.CONTROL.name(), id, new byte[] {1, 2, 3})).get(30,
                TimeUnit.SECONDS);
        send(Topics.CONTROL, io.tessera.records.Cancel.newBuilder().setRequestId(id).setReason("r3").build());

        Run all = run(TailCommand::run, "tessera.control", "--from-beginning", "--key", id, "--meta", "--max", "4",
                "--idle", "5", "--bootstrap", kafka.bootstrapServers());
        assertThat(all.code()).isZero();
        assertThat(all.out().lines().toList()).hasSize(4)
                .allSatisfy(l -> assertThat(l).startsWith("{\"partition\":").contains("\"key\":\"" + id + "\""));
        assertThat(all.err()).contains("tessera tail: skipped tessera.control partition", "offset 3",
                "NOT_SINGLE_OBJECT");
        Run last = run(TailCommand::run, "control", "--last", "1", "--key", id, "--idle", "2", "--bootstrap",
                kafka.bootstrapServers());
        assertThat(last.out().lines().toList()).hasSize(1).first().asString().contains("\"reason\":\"r3\"");
        Run fromOffset = run(TailCommand::run, "control", "--offset", "2", "--key", id, "--idle", "2", "--bootstrap",
                kafka.bootstrapServers());
        assertThat(fromOffset.out().lines().toList()).hasSize(2);
        assertThat(fromOffset.out()).contains("\"reason\":\"r2\"", "\"reason\":\"r3\"");
    }
}
