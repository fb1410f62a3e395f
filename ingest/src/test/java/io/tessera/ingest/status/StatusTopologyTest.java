package io.tessera.ingest.status;

import static io.tessera.ingest.status.StatusRecords.cancel;
import static io.tessera.ingest.status.StatusRecords.completed;
import static io.tessera.ingest.status.StatusRecords.deadLetter;
import static io.tessera.ingest.status.StatusRecords.request;
import static io.tessera.ingest.status.StatusRecords.reward;
import static io.tessera.ingest.status.StatusRecords.tokens;
import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.ingest.status.GenerationStatus.State;
import io.tessera.records.FinishReason;
import io.tessera.schemas.Topic;
import io.tessera.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every status transition and every figure of {@link StatusTopology}, on {@link TopologyTestDriver}. */
class StatusTopologyTest {

    /** A round base time so windows are easy to reason about: 10 s windows start at multiples of 10 000. */
    static final long T0 = 1_800_000_000_000L;
    static final Duration WINDOW = Duration.ofSeconds(10);

    private TopologyTestDriver driver;
    private final Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();

    /** In-memory stores (fast); {@link #persistentStoresGiveTheSameAnswers} runs one case on RocksDB. */
    @BeforeEach
    void start() throws Exception {
        start(false);
    }

    void start(boolean persistent) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath()
                .resolve(createDirs()), "status");
        StatusConfig config = StatusConfig.defaults("127.0.0.1:1", dir).withWindow(WINDOW)
                .withRetention(Duration.ofMinutes(10));
        driver = new TopologyTestDriver(StatusTopology.build(config, persistent), config.streamsProperties(),
                Instant.ofEpochMilli(T0));
        for (Topic<?> t : StatusTopology.SOURCES) {
            inputs.put(t.name(), driver.createInputTopic(t.name(), new StringSerializer(), new ByteArraySerializer()));
        }
    }

    private static String createDirs() throws Exception {
        Path p = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().resolve("status-tests");
        Files.createDirectories(p);
        return p.getFileName().toString();
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @SuppressWarnings("unchecked")
    private <V extends SpecificRecord> void send(Topic<V> topic, V value, long atMs) {
        inputs.get(topic.name()).pipeInput(topic.keyOf(value), topic.codec().encode(value), atMs);
    }

    private void sendBytes(Topic<?> topic, String key, byte[] value, long atMs) {
        inputs.get(topic.name()).pipeInput(key, value, atMs);
    }

    private GenerationStatus status(String id) {
        KeyValueStore<String, GenerationStatus> store = driver.getKeyValueStore(StatusTopology.STATUS_STORE);
        return store.get(id);
    }

    private Figures figures(long nowMs, Duration lookback) {
        return FiguresQuery.figures(new FiguresQuery.Stores(driver.getKeyValueStore(StatusTopology.GAUGE_STORE),
                driver.getKeyValueStore(StatusTopology.REWARD_STORE), driver.getWindowStore(StatusTopology.TOKENS_STORE),
                driver.getWindowStore(StatusTopology.DLQ_STORE), driver.getWindowStore(StatusTopology.ACTIVE_STORE),
                driver.getWindowStore(StatusTopology.TTFT_STORE)), WINDOW, Duration.ofMinutes(10), nowMs, lookback);
    }

    @Test
    void requestIsQueuedWithTenantAndFramesToDo() {
        send(Topics.PROMPTS, request("r1", "acme", 16, 2, T0), T0);
        GenerationStatus s = status("r1");
        assertThat(s.state()).isEqualTo(State.QUEUED);
        assertThat(s.tenant()).isEqualTo("acme");
        assertThat(s.task()).isEqualTo("TEXT_TO_VIDEO");
        assertThat(s.samples()).isEqualTo(2);
        assertThat(s.framesPerSample()).isEqualTo(16);
        assertThat(s.sampleStatus()).hasSize(2).allSatisfy(x -> assertThat(x.framesDone()).isZero());
        assertThat(s.createdAtMs()).isEqualTo(T0);
        assertThat(status("unknown")).isNull();
    }

    @Test
    void tokensMakeItGeneratingFrameKOfN() {
        send(Topics.PROMPTS, request("r1", "acme", 16, 1, T0), T0);
        send(Topics.TOKENS, tokens("r1", 0, 0, -1, 8, 3, T0 + 40), T0 + 40);
        GenerationStatus s = status("r1");
        assertThat(s.state()).isEqualTo(State.GENERATING);
        assertThat(s.sampleStatus().get(0).framesDone()).isZero();
        assertThat(s.firstTokenAtMs()).isEqualTo(T0 + 40);
        send(Topics.TOKENS, tokens("r1", 0, 1, 4, 8, 4, T0 + 60), T0 + 60);
        s = status("r1");
        assertThat(s.sampleStatus().get(0).framesDone()).isEqualTo(5);
        assertThat(s.sampleStatus().get(0).framesTotal()).isEqualTo(16);
        assertThat(s.policyVersion()).isEqualTo(4);
        assertThat(s.summary()).isEqualTo("GENERATING frame 5 of 16 (policy v4)");
    }

    @Test
    void allSamplesCompletedIsDoneWithTimingsAndRewardsFollow() {
        send(Topics.PROMPTS, request("r1", "acme", 4, 2, T0), T0);
        send(Topics.TOKENS, tokens("r1", 0, 0, 3, 8, 3, T0 + 10), T0 + 10);
        send(Topics.GENERATIONS, completed("r1", 0, 2, FinishReason.LENGTH, 40, 3), T0 + 300);
        assertThat(status("r1").state()).isEqualTo(State.GENERATING);
        send(Topics.GENERATIONS, completed("r1", 1, 2, FinishReason.END_OF_SEQUENCE, 25, 3), T0 + 400);
        GenerationStatus s = status("r1");
        assertThat(s.state()).isEqualTo(State.DONE);
        assertThat(s.endedAtMs()).isEqualTo(T0 + 400);
        assertThat(s.timeToFirstTokenMs()).isEqualTo(25);
        assertThat(s.totalMs()).isEqualTo(240);
        assertThat(s.queuedMs()).isEqualTo(3);
        assertThat(s.sampleStatus().get(0).framesDone()).isEqualTo(4);
        assertThat(s.sampleStatus().get(0).finishReason()).isEqualTo("LENGTH");
        assertThat(s.reward()).isNull();
        send(Topics.REWARDS, reward("r1", 0, 3, 0.5), T0 + 500);
        assertThat(status("r1").reward()).isEqualTo(0.5);
        send(Topics.REWARDS, reward("r1", 1, 3, 0.9), T0 + 600);
        s = status("r1");
        assertThat(s.reward()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.sampleStatus().get(1).reward()).isEqualTo(0.9);
        assertThat(s.state()).isEqualTo(State.DONE);
    }

    @Test
    void cancelIsFinalAndLaterRecordsOnlyAddDetail() {
        send(Topics.PROMPTS, request("r1", "acme", 8, 1, T0), T0);
        send(Topics.TOKENS, tokens("r1", 0, 0, 0, 8, 3, T0 + 10), T0 + 10);
        send(Topics.CONTROL, cancel("r1", "user asked"), T0 + 20);
        GenerationStatus s = status("r1");
        assertThat(s.state()).isEqualTo(State.CANCELLED);
        assertThat(s.reason()).isEqualTo("user asked");
        send(Topics.TOKENS, tokens("r1", 0, 1, 1, 8, 3, T0 + 30), T0 + 30);
        send(Topics.GENERATIONS, completed("r1", 0, 1, FinishReason.CANCELLED, 9, 3), T0 + 40);
        s = status("r1");
        assertThat(s.state()).isEqualTo(State.CANCELLED);
        assertThat(s.reason()).isEqualTo("user asked");
        assertThat(s.endedAtMs()).isEqualTo(T0 + 20);
        assertThat(s.sampleStatus().get(0).framesDone()).isEqualTo(2);
        assertThat(s.sampleStatus().get(0).done()).isTrue();
    }

    @Test
    void cancelAfterDoneChangesNothing() {
        send(Topics.PROMPTS, request("r1", "acme", 8, 1, T0), T0);
        send(Topics.GENERATIONS, completed("r1", 0, 1, FinishReason.LENGTH, 9, 3), T0 + 40);
        send(Topics.CONTROL, cancel("r1", "too late"), T0 + 50);
        assertThat(status("r1").state()).isEqualTo(State.DONE);
        assertThat(status("r1").reason()).isNull();
    }

    @Test
    void generatorCancelledOrFailedSamplesEndTheRequestThatWay() {
        send(Topics.PROMPTS, request("c", "acme", 8, 1, T0), T0);
        send(Topics.GENERATIONS, completed("c", 0, 1, FinishReason.CANCELLED, 9, 3), T0 + 40);
        assertThat(status("c").state()).isEqualTo(State.CANCELLED);

        send(Topics.PROMPTS, request("f", "acme", 8, 2, T0), T0);
        send(Topics.GENERATIONS, completed("f", 0, 2, FinishReason.LENGTH, 9, 3), T0 + 40);
        send(Topics.GENERATIONS, completed("f", 1, 2, FinishReason.DEADLINE, 9, 3), T0 + 40);
        assertThat(status("f").state()).isEqualTo(State.FAILED);
        assertThat(status("f").reason()).isEqualTo("sample 1 stopped with DEADLINE");
    }

    @Test
    void deadLetterFailsTheRequestWithItsReason() {
        send(Topics.PROMPTS, request("r1", "acme", 8, 1, T0), T0);
        send(Topics.TOKENS, tokens("r1", 0, 0, 0, 8, 3, T0 + 10), T0 + 10);
        send(Topics.DLQ, deadLetter("r1", "frame tokens out of range"), T0 + 20);
        GenerationStatus s = status("r1");
        assertThat(s.state()).isEqualTo(State.FAILED);
        assertThat(s.reason()).isEqualTo("decode: frame tokens out of range");
        assertThat(s.deadLetters()).isEqualTo(1);
        send(Topics.GENERATIONS, completed("r1", 0, 1, FinishReason.LENGTH, 9, 3), T0 + 40);
        assertThat(status("r1").state()).isEqualTo(State.FAILED);
    }

    @Test
    void outOfOrderRecordsGiveTheSameStatus() {
        // The completion, a token chunk and the reward arrive before the request itself.
        send(Topics.REWARDS, reward("r1", 0, 2, 0.25), T0 + 1);
        send(Topics.TOKENS, tokens("r1", 0, 3, 7, 8, 2, T0 + 2), T0 + 2);
        send(Topics.GENERATIONS, completed("r1", 0, 1, FinishReason.LENGTH, 30, 2), T0 + 3);
        assertThat(status("r1").state()).isEqualTo(State.DONE);
        send(Topics.TOKENS, tokens("r1", 0, 1, 2, 8, 2, T0 + 4), T0 + 4);  // an older chunk, late
        send(Topics.PROMPTS, request("r1", "acme", 8, 1, T0 - 100), T0 + 5);
        GenerationStatus s = status("r1");
        assertThat(s.state()).isEqualTo(State.DONE);
        assertThat(s.tenant()).isEqualTo("acme");
        assertThat(s.framesPerSample()).isEqualTo(8);
        assertThat(s.sampleStatus().get(0).framesDone()).isEqualTo(8);
        assertThat(s.reward()).isEqualTo(0.25);
        assertThat(s.createdAtMs()).isEqualTo(T0 - 100);
        // A cancel before its request: cancelled, and the request does not revive it.
        send(Topics.CONTROL, cancel("r2", ""), T0 + 6);
        send(Topics.PROMPTS, request("r2", "acme", 8, 1, T0), T0 + 7);
        assertThat(status("r2").state()).isEqualTo(State.CANCELLED);
        assertThat(status("r2").reason()).isEqualTo("cancelled");
        assertThat(figures(T0 + 7, WINDOW).activeNow()).isZero();
    }

    @Test
    void undecodableRecordsAreSkippedAndCounted() {
        sendBytes(Topics.TOKENS, "r1", new byte[] {1, 2, 3}, T0);
        sendBytes(Topics.PROMPTS, "r1", Topics.TOKENS.codec().encode(tokens("r1", 0, 0, 0, 8, 3, T0)), T0);
        byte[] truncated = Topics.PROMPTS.codec().encode(request("r1", "acme", 8, 1, T0));
        sendBytes(Topics.PROMPTS, "r1", java.util.Arrays.copyOf(truncated, truncated.length - 3), T0);
        sendBytes(Topics.DLQ, null, null, T0);
        assertThat(status("r1")).isNull();
        // The app keeps going.
        send(Topics.PROMPTS, request("r1", "acme", 8, 1, T0), T0 + 1);
        assertThat(status("r1").state()).isEqualTo(State.QUEUED);
        assertThat(figures(T0 + 1, WINDOW).undecodable()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "tessera.tokens", 1L, "tessera.prompts", 2L, "tessera.dlq", 1L));
    }

    @Test
    void tokensPerSecondPerWindowIncludingLateRecords() {
        send(Topics.TOKENS, tokens("a", 0, 0, -1, 100, 1, T0), T0);
        send(Topics.TOKENS, tokens("b", 0, 0, -1, 50, 1, T0 + 9_999), T0 + 9_999);
        send(Topics.TOKENS, tokens("a", 0, 1, -1, 200, 1, T0 + 20_000), T0 + 20_000);
        send(Topics.TOKENS, tokens("b", 0, 1, -1, 30, 1, T0 + 5_000), T0 + 5_000);  // late, same first window
        Figures f = figures(T0 + 25_000, Duration.ofSeconds(30));
        assertThat(f.windowMs()).isEqualTo(10_000);
        assertThat(f.fromMs()).isEqualTo(T0);
        assertThat(f.toMs()).isEqualTo(T0 + 30_000);
        assertThat(f.tokensPerSecond()).extracting(Figures.Point::value).containsExactly(18.0, 0.0, 20.0);
    }

    @Test
    void timeToFirstTokenQuantilesPerWindow() {
        for (int i = 1; i <= 100; i++) {  // 1..100 ms in the first window
            send(Topics.GENERATIONS, completed("q" + i, 0, 1, FinishReason.LENGTH, i, 1), T0 + i);
        }
        send(Topics.GENERATIONS, completed("z", 0, 1, FinishReason.LENGTH, 5_000, 1), T0 + 10_000);
        Figures f = figures(T0 + 10_000, Duration.ofSeconds(20));
        Figures.LatencyPoint w0 = f.timeToFirstToken().get(0);
        assertThat(w0.count()).isEqualTo(100);
        // Buckets overstate by at most 25 %.
        assertThat(w0.p50Ms()).isBetween(50.0, 62.5);
        assertThat(w0.p99Ms()).isBetween(99.0, 124.0);
        assertThat(w0.meanMs()).isEqualTo(50.5);
        Figures.LatencyPoint w1 = f.timeToFirstToken().get(1);
        assertThat(w1.count()).isEqualTo(1);
        assertThat(w1.p50Ms()).isBetween(5_000.0, 6_250.0);
    }

    @Test
    void deadLettersPerWindowWithAndWithoutRequestId() {
        send(Topics.DLQ, deadLetter("r1", "bad"), T0 + 1);
        io.tessera.records.DeadLetter anonymous = deadLetter(null, "no id");
        sendBytes(Topics.DLQ, null, Topics.DLQ.codec().encode(anonymous), T0 + 2);
        send(Topics.DLQ, deadLetter("r2", "bad"), T0 + 10_001);
        Figures f = figures(T0 + 10_001, Duration.ofSeconds(20));
        assertThat(f.deadLetters()).extracting(Figures.Point::value).containsExactly(2.0, 1.0);
        assertThat(status("r1").state()).isEqualTo(State.FAILED);
    }

    @Test
    void activeRequestsAtTheEndOfEachWindow() {
        send(Topics.PROMPTS, request("a", "acme", 8, 1, T0), T0);
        send(Topics.PROMPTS, request("b", "acme", 8, 1, T0), T0 + 1);
        send(Topics.GENERATIONS, completed("a", 0, 1, FinishReason.LENGTH, 9, 1), T0 + 10_001);
        send(Topics.CONTROL, cancel("b", ""), T0 + 30_001);
        Figures f = figures(T0 + 40_000, Duration.ofSeconds(50));
        // windows: T0 (2 active), +10 s (1), +20 s (quiet: still 1), +30 s (0), +40 s (0)
        assertThat(f.activeRequests()).extracting(Figures.Point::value).containsExactly(2.0, 1.0, 1.0, 0.0, 0.0);
        assertThat(f.activeNow()).isZero();
    }

    @Test
    void meanRewardPerPolicyVersion() {
        send(Topics.REWARDS, reward("a", 0, 1, 0.2), T0);
        send(Topics.REWARDS, reward("b", 0, 1, 0.4), T0);
        send(Topics.REWARDS, reward("c", 0, 2, 0.9), T0);
        Figures f = figures(T0, WINDOW);
        assertThat(f.rewardByPolicy()).hasSize(2);
        assertThat(f.rewardByPolicy().get(0).policyVersion()).isEqualTo(1);
        assertThat(f.rewardByPolicy().get(0).count()).isEqualTo(2);
        assertThat(f.rewardByPolicy().get(0).mean()).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(f.rewardByPolicy().get(1).mean()).isEqualTo(0.9);
    }

    @Test
    void persistentStoresGiveTheSameAnswers() throws Exception {
        driver.close();
        start(true);
        send(Topics.PROMPTS, request("r1", "acme", 8, 1, T0), T0);
        send(Topics.TOKENS, tokens("r1", 0, 0, 2, 40, 3, T0 + 10), T0 + 10);
        send(Topics.GENERATIONS, completed("r1", 0, 1, FinishReason.LENGTH, 30, 3), T0 + 20);
        send(Topics.REWARDS, reward("r1", 0, 3, 0.5), T0 + 30);
        send(Topics.DLQ, deadLetter("r2", "x"), T0 + 40);
        sendBytes(Topics.CONTROL, "r3", new byte[] {7}, T0 + 50);
        assertThat(status("r1").state()).isEqualTo(State.DONE);
        Figures f = figures(T0 + 50, WINDOW);
        assertThat(f.tokensPerSecond().get(0).value()).isEqualTo(4.0);
        assertThat(f.timeToFirstToken().get(0).count()).isEqualTo(1);
        assertThat(f.deadLetters().get(0).value()).isEqualTo(1.0);
        assertThat(f.rewardByPolicy()).containsExactly(new Figures.RewardPoint(3, 1, 0.5));
        assertThat(f.undecodable()).containsEntry("tessera.control", 1L);
        assertThat(f.activeNow()).isZero();
    }

    @Test
    void statusAndFiguresRoundTripThroughJson() {
        send(Topics.PROMPTS, request("r1", "acme", 8, 1, T0), T0);
        send(Topics.TOKENS, tokens("r1", 0, 0, 2, 8, 3, T0 + 10), T0 + 10);
        GenerationStatus s = status("r1");
        assertThat(GenerationStatus.fromJson(s.toJson())).isEqualTo(s);
        assertThat(s.toJson()).contains("\"state\":\"GENERATING\"").doesNotContain("reward");
        String json = figures(T0 + 10, Duration.ofSeconds(30)).toJson();
        assertThat(json).contains("\"tokensPerSecond\":[", "\"timeToFirstToken\":[", "\"activeNow\":1");
    }
}
