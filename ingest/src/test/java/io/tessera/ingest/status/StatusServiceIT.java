package io.tessera.ingest.status;

import static io.tessera.ingest.status.StatusRecords.completed;
import static io.tessera.ingest.status.StatusRecords.deadLetter;
import static io.tessera.ingest.status.StatusRecords.request;
import static io.tessera.ingest.status.StatusRecords.reward;
import static io.tessera.ingest.status.StatusRecords.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.embedded.EmbeddedKafka;
import io.tessera.ingest.status.GenerationStatus.State;
import io.tessera.records.FinishReason;
import io.tessera.schemas.Topic;
import io.tessera.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
 * {@link StatusService} on a real broker: records published to the topics show up in the status and the figures
 * read through interactive queries; an undecodable record is skipped; a restart keeps the statuses.
 */
class StatusServiceIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static Path dir;
    static EmbeddedKafka kafka;
    static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() {
        dir = Path.of("target/tmp/status-it-" + System.nanoTime()).toAbsolutePath();
        kafka = EmbeddedKafka.start(dir, 0);
        kafka.createTopics(Topics.ALL);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static <V extends SpecificRecord> void send(Topic<V> topic, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), topic.keyOf(value), topic.codec().encode(value)))
                .get(30, TimeUnit.SECONDS);
    }

    static <T> T await(String what, Supplier<T> value, java.util.function.Predicate<T> ok) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T v = value.get();
        while (!ok.test(v)) {
            assertThat(System.nanoTime()).as("waiting for " + what + ", last saw " + v).isLessThan(deadline);
            Thread.sleep(25);
            v = value.get();
        }
        return v;
    }

    @Test
    void statusAndFiguresFromTheTopicsAndAfterARestart() throws Exception {
        StatusConfig config = StatusConfig.defaults(kafka.bootstrapServers(), dir);
        long now = System.currentTimeMillis();
        try (StatusService service = StatusService.start(config)) {
            assertThat(service.isRunning()).isTrue();
            assertThat(service.status("nobody")).isEmpty();

            send(Topics.PROMPTS, request("it-1", "acme", 4, 1, now));
            GenerationStatus s = await("queued", () -> service.status("it-1"), Optional::isPresent).get();
            assertThat(s.state()).isEqualTo(State.QUEUED);
            assertThat(s.tenant()).isEqualTo("acme");

            send(Topics.TOKENS, tokens("it-1", 0, 0, 1, 50, 2, now));
            s = await("frame 2 of 4", () -> service.status("it-1").orElseThrow(),
                    x -> x.sampleStatus().get(0).framesDone() == 2);
            assertThat(s.state()).isEqualTo(State.GENERATING);
            assertThat(s.summary()).isEqualTo("GENERATING frame 2 of 4 (policy v2)");

            // Garbage on a topic is skipped; the app keeps serving.
            producer.send(new ProducerRecord<>(Topics.GENERATIONS.name(), "it-1", new byte[] {9, 9, 9}))
                    .get(30, TimeUnit.SECONDS);
            send(Topics.GENERATIONS, completed("it-1", 0, 1, FinishReason.LENGTH, 35, 2));
            send(Topics.REWARDS, reward("it-1", 0, 2, 0.75));
            s = await("done with its reward", () -> service.status("it-1").orElseThrow(),
                    x -> x.state() == State.DONE && x.reward() != null);
            assertThat(s.timeToFirstTokenMs()).isEqualTo(35);
            assertThat(s.toJson()).contains("\"state\":\"DONE\"", "\"reward\":0.75");

            send(Topics.PROMPTS, request("it-2", "acme", 4, 1, now));
            send(Topics.DLQ, deadLetter("it-2", "bad frame"));
            assertThat(await("failed", () -> service.status("it-2"),
                    x -> x.isPresent() && x.get().state() == State.FAILED).get().reason())
                    .isEqualTo("decode: bad frame");

            Figures f = await("figures", () -> service.figures(Duration.ofMinutes(5)),
                    x -> x.undecodable().getOrDefault(Topics.GENERATIONS.name(), 0L) == 1
                            && !x.rewardByPolicy().isEmpty());
            assertThat(f.tokensPerSecond().stream().mapToDouble(Figures.Point::value).sum() * f.windowMs() / 1000)
                    .isEqualTo(50.0);
            assertThat(f.timeToFirstToken().stream().mapToLong(Figures.LatencyPoint::count).sum()).isEqualTo(1);
            assertThat(f.deadLetters().stream().mapToDouble(Figures.Point::value).sum()).isEqualTo(1.0);
            assertThat(f.rewardByPolicy()).containsExactly(new Figures.RewardPoint(2, 1, 0.75));
            assertThat(f.activeNow()).isZero();
            assertThat(f.toJson()).contains("\"rewardByPolicy\":[{\"policyVersion\":2");
            assertThatThrownBy(() -> service.figures(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        }
        // A restart on the same state directory answers at once with what it had.
        try (StatusService again = StatusService.start(config)) {
            assertThat(again.status("it-1")).get().extracting(GenerationStatus::state).isEqualTo(State.DONE);
        }
    }

    @Test
    void missingTopicsFailFastSayingWhatToDo() {
        StatusConfig config = StatusConfig.defaults(kafka.bootstrapServers(), dir.resolve("other"))
                .withApplicationId("status-it-missing");
        EmbeddedKafka other = EmbeddedKafka.start(dir.resolve("bare"), 0);
        try {
            StatusConfig bare = new StatusConfig(other.bootstrapServers(), config.applicationId(), config.stateDir(),
                    config.commitInterval(), config.window(), config.retention(), Duration.ofSeconds(20));
            assertThatThrownBy(() -> StatusService.start(bare)).isInstanceOf(StatusUnavailableException.class)
                    .hasMessageContaining("do not exist").hasMessageContaining("bin/tessera up");
        } finally {
            other.close();
        }
        assertThat(List.of(config.stateDir())).isNotEmpty();
    }
}
