package io.tessera.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.embedded.EmbeddedKafka;
import io.tessera.ingest.cli.PromptCommand;
import io.tessera.ingest.cli.SseReader;
import io.tessera.media.Png;
import io.tessera.media.Wav;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.Task;
import io.tessera.schemas.Topic;
import io.tessera.schemas.Topics;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real gateway against a real broker. The test itself writes the result records a generation job would write
 * (TokenChunk, MediaChunk, GenerationCompleted) for the request it posted: they are the gateway's input here.
 */
class GatewayIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    /** The development key (tenant "dev") every call of this test sends; the CLI finds it in {@link #dataDir}. */
    static String KEY;
    static Path dataDir;
    static final ObjectMapper JSON = new ObjectMapper();

    static EmbeddedKafka kafka;
    static Gateway gateway;
    static KafkaProducer<String, byte[]> results;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createDirectories(Path.of("target/tmp/gateway-it-" + System.nanoTime()));
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        kafka.createTopics(Topics.ALL);
        dataDir = dir.resolve("data");
        KEY = io.tessera.ingest.auth.ApiKeys.developmentKey(dataDir);
        Path keys = dataDir.resolve(io.tessera.ingest.auth.ApiKeys.KEYS_FILE);
        gateway = Gateway.start(GatewayConfig.defaults(kafka.bootstrapServers()).withPort(0)
                .withBodyLimits(256 * 1024, 64 * 1024, 64 * 1024)
                // latencyFigures leaves 30 requests unfinished: room for them beyond the default 16 per tenant.
                .withAccess(AccessConfig.defaults().withApiKeysFile(keys).withInFlight(256, 64)));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        results = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        if (results != null) {
            results.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    static HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/v1/generations"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static <V extends SpecificRecord> void produce(Topic<V> topic, V value) throws Exception {
        results.send(new ProducerRecord<>(topic.name(), topic.keyOf(value), topic.codec().encode(value)))
                .get(30, TimeUnit.SECONDS);
    }

    /** Every record of {@code topic} with key {@code key}, read from the beginning until {@code enough} holds. */
    static <V extends SpecificRecord> List<V> readAll(Topic<V> topic, String key, Predicate<List<V>> enough) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        List<V> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic.name()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!enough.test(found) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        found.add(topic.codec().decode(r.value()));
                    }
                }
            }
        }
        return found;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Follows an events stream in the background, collecting its events until it ends. */
    static final class Listener {
        final List<SseReader.Event> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> ended;
        volatile boolean open;

        Listener(String requestId) {
            ended = CompletableFuture.runAsync(() -> {
                try {
                    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(
                            gateway.baseUri().resolve("/v1/generations/" + requestId + "/events"))
                            .header("Authorization", "Bearer " + KEY).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                            v -> assertThat(v).startsWith("text/event-stream"));
                    open = true;
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(),
                            StandardCharsets.UTF_8))) {
                        SseReader sse = new SseReader(in);
                        SseReader.Event e;
                        while ((e = sse.next()) != null) {
                            events.add(e);
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        List<SseReader.Event> awaitEnd() throws Exception {
            ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            return events;
        }
    }

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    // ---- tests ---------------------------------------------------------------------------------------------

    @Test
    void healthz() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(gateway.baseUri().getHost()).isEqualTo("127.0.0.1");
        assertThat(gateway.boundAddress().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void postPublishesTheMediaAndTheRequestToKafka() throws Exception {
        byte[] png = TestMedia.png(64, 64, 10);
        HttpResponse<String> r = post("""
                {"prompt": "a red circle moving left", "task": "IMAGE_TO_VIDEO", "frames": 8, "seed": 7,
                 "samples": 2, "sampling": {"temperature": 0.9, "topK": 40, "topP": 0.95, "guidanceScale": 2.0},
                 "image": "%s"}""".formatted(Base64.getEncoder().encodeToString(png)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = json(r.body()).path("requestId").asText();
        assertThat(id).isNotBlank();
        assertThat(r.headers().firstValue("Location")).hasValue("/v1/generations/" + id + "/events");

        GenerationRequest req = readAll(Topics.PROMPTS, id, l -> !l.isEmpty()).get(0);
        assertThat(req.getTask()).isEqualTo(Task.IMAGE_TO_VIDEO);
        assertThat(req.getPrompt()).isEqualTo("a red circle moving left");
        assertThat(req.getConditioningFrames()).isEqualTo(1);
        assertThat(req.getConditioningAudioChunks()).isZero();
        assertThat(req.getSampling().getFrames()).isEqualTo(8);
        assertThat(req.getSampling().getSamples()).isEqualTo(2);
        assertThat(req.getSampling().getSeed()).isEqualTo(7L);
        assertThat(req.getSampling().getTopK()).isEqualTo(40);
        assertThat(req.getSampling().getTopP()).isEqualTo(0.95f);
        assertThat(req.getSampling().getGuidanceScale()).isEqualTo(2.0f);
        assertThat(req.getCreatedAtMs()).isPositive();

        List<MediaChunk> media = readAll(Topics.MEDIA_IN, id, l -> !l.isEmpty());
        assertThat(media).hasSize(1);
        assertThat(media.get(0).getKind()).isEqualTo(MediaKind.VIDEO_FRAME);
        assertThat(media.get(0).getContentType()).isEqualTo("image/png");
        byte[] data = new byte[media.get(0).getData().remaining()];
        media.get(0).getData().duplicate().get(data);
        assertThat(data).isEqualTo(png);
    }

    @Test
    void badRequestsAreRejectedNamingTheField() throws Exception {
        HttpResponse<String> r = post("{\"prompt\": \"p\", \"sampling\": {\"topP\": 1.5}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("field").asText()).isEqualTo("sampling.topP");
        assertThat(json(r.body()).path("error").asText()).contains("(0, 1]");

        r = post("{\"prompt\": \"p\", \"frames\": 100}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("field").asText()).isEqualTo("frames");

        r = post("{\"task\": \"VIDEO_TO_AUDIO\", \"prompt\": \"p\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("field").asText()).isEqualTo("video");

        r = post("{\"prompt\": ");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("error").asText()).contains("not valid JSON");

        r = post("{\"prompt\": \"" + "x".repeat(300 * 1024) + "\"}");
        assertThat(r.statusCode()).isEqualTo(413);

        HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(
                gateway.baseUri().resolve("/v1/generations")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/v2/nothing"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        HttpResponse<String> badId = http.send(HttpRequest.newBuilder(
                gateway.baseUri().resolve("/v1/generations/a%20b/events")).header("X-API-Key", KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(badId.statusCode()).isEqualTo(400);
    }

    @Test
    void theEventStreamDeliversResultsInOrderAndEndsWithDone() throws Exception {
        HttpResponse<String> r = post("{\"prompt\": \"a blue square\", \"frames\": 2, \"samples\": 1}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String id = json(r.body()).path("requestId").asText();
        Listener live = new Listener(id);
        await("the stream to open", () -> live.open);

        byte[] frame0 = TestMedia.png(64, 64, 0);
        byte[] frame1 = TestMedia.png(64, 64, 20);
        produce(Topics.TOKENS, Records.token(id, 0, 0, 0, false));
        produce(Topics.MEDIA_OUT, Records.frame(id, 0, 0, 2, frame0));
        produce(Topics.TOKENS, Records.token(id, 0, 0, 0, false)); // a redelivered duplicate
        produce(Topics.TOKENS, Records.token(id, 0, 1, 1, true));
        produce(Topics.MEDIA_OUT, Records.frame(id, 0, 1, 2, frame1));
        produce(Topics.GENERATIONS, Records.completed(id, 0, 1, FinishReason.LENGTH));

        List<SseReader.Event> events = live.awaitEnd();
        List<String> names = events.stream().map(SseReader.Event::name).toList();
        assertThat(names).containsExactlyInAnyOrder("token", "token", "frame", "frame", "completed", "done");
        assertThat(names.get(names.size() - 1)).isEqualTo("done");
        assertThat(events).extracting(SseReader.Event::id).containsExactly("0", "1", "2", "3", "4", "5");

        List<JsonNode> tokens = new ArrayList<>();
        List<JsonNode> frames = new ArrayList<>();
        for (SseReader.Event e : events) {
            if (e.name().equals("token")) {
                tokens.add(json(e.data()));
            } else if (e.name().equals("frame")) {
                frames.add(json(e.data()));
            }
        }
        assertThat(tokens).extracting(t -> t.path("seq").asInt()).containsExactly(0, 1);
        assertThat(tokens.get(1).path("final").asBoolean()).isTrue();
        assertThat(tokens.get(0).path("requestId").asText()).isEqualTo(id);
        assertThat(tokens.get(0).path("count").asInt()).isEqualTo(3);
        assertThat(frames).extracting(f -> f.path("index").asInt()).containsExactly(0, 1);
        assertThat(Base64.getDecoder().decode(frames.get(1).path("png").asText())).isEqualTo(frame1);
        assertThat(Png.decode(Base64.getDecoder().decode(frames.get(0).path("png").asText())).getWidth())
                .isEqualTo(64);
        JsonNode completed = json(events.get(names.indexOf("completed")).data());
        assertThat(completed.path("finishReason").asText()).isEqualTo("LENGTH");
        assertThat(completed.path("totalMs").asLong()).isEqualTo(250);

        // A client that comes after the end gets the same stream from the replay buffer.
        Listener late = new Listener(id);
        assertThat(late.awaitEnd()).isEqualTo(events);
    }

    @Test
    void theCliPostsFollowsAndWritesFramesGifAndAudio() throws Exception {
        Path out = Path.of("target/tmp/cli-it-" + System.nanoTime());
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        long before = System.currentTimeMillis();
        CompletableFuture<Integer> cli = CompletableFuture.supplyAsync(() -> PromptCommand.run(new String[] {
            "a red circle moving left", "--gateway", gateway.baseUri().toString(), "--out", out.toString(),
            "--frames", "3", "--seed", "11", "--timeout", "120", "--data-dir", dataDir.toString()},
                new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8)));

        // Find the CLI's request on the topic, then answer it as the jobs would.
        String id = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (id == null && System.nanoTime() < deadline) {
            id = newestRequestSince(before, "a red circle moving left");
        }
        assertThat(id).as("the CLI's request on tessera.prompts; CLI stderr: " + errBytes).isNotNull();
        for (int f = 0; f < 3; f++) {
            produce(Topics.TOKENS, Records.token(id, 0, f, f, f == 2));
            produce(Topics.MEDIA_OUT, Records.frame(id, 0, f, 3, TestMedia.png(64, 64, 8 * f)));
            produce(Topics.MEDIA_OUT, Records.audio(id, 0, f, false, TestMedia.wav(2000, 16000)));
        }
        produce(Topics.GENERATIONS, Records.completed(id, 0, 1, FinishReason.LENGTH));

        int code = cli.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        String stdout = outBytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as("exit code; stderr: " + errBytes + " stdout: " + stdout).isZero();
        Path sample = out.resolve(id).resolve("sample-0");
        for (int f = 0; f < 3; f++) {
            assertThat(sample.resolve(String.format("frame-%03d.png", f))).exists();
        }
        assertThat(gifFrames(sample.resolve("clip.gif"))).isEqualTo(3);
        assertThat(Wav.decode(Files.readAllBytes(sample.resolve("audio.wav"))).samples()).hasSize(6000);
        assertThat(stdout).contains("3/3 frames", "clip.gif", "audio.wav", "\r");

        // A request the gateway refuses is a usage error naming the option.
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        int bad = PromptCommand.run(new String[] {"p", "--gateway", gateway.baseUri().toString(), "--top-p", "1.5",
            "--out", out.toString(), "--data-dir", dataDir.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err2, true, StandardCharsets.UTF_8));
        assertThat(bad).isEqualTo(2);

        // Without a key the CLI is refused: exit code 4 (unauthorized), one line saying what to do.
        Path noKey = Files.createDirectories(out.resolve("no-key"));
        ByteArrayOutputStream err3 = new ByteArrayOutputStream();
        int unauthorized = PromptCommand.run(new String[] {"p", "--gateway", gateway.baseUri().toString(),
            "--out", out.toString(), "--data-dir", noKey.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err3, true, StandardCharsets.UTF_8));
        assertThat(unauthorized).as(err3.toString(StandardCharsets.UTF_8)).isEqualTo(4);
        assertThat(err2.toString(StandardCharsets.UTF_8)).contains("(--top-p)", "(0, 1]");
    }

    /** A request the job dead-letters ends the CLI's stream with the stage and the reason, exit 1, slot freed. */
    @Test
    void aRequestTheJobDeadLettersEndsTheCliWithItsReason() throws Exception {
        Path out = Path.of("target/tmp/cli-failed-it-" + System.nanoTime());
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        long before = System.currentTimeMillis();
        CompletableFuture<Integer> cli = CompletableFuture.supplyAsync(() -> PromptCommand.run(new String[] {
            "a green triangle moving up", "--gateway", gateway.baseUri().toString(), "--out", out.toString(),
            "--frames", "64", "--timeout", "120", "--data-dir", dataDir.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8)));
        String id = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (id == null && System.nanoTime() < deadline) {
            id = newestRequestSince(before, "a green triangle moving up");
        }
        assertThat(id).as("the CLI's request on tessera.prompts; CLI stderr: " + errBytes).isNotNull();
        produce(Topics.DLQ, io.tessera.records.DeadLetter.newBuilder().setSourceTopic(Topics.PROMPTS.name())
                .setStage("GenerationJob/generate").setRequestId(id).setFailedAtMs(System.currentTimeMillis())
                .setReason("prefix 29 + 1088 tokens exceed the model's maxSeqLen 1024").build());
        int code = cli.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(code).as(errBytes.toString(StandardCharsets.UTF_8)).isEqualTo(1);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("request " + id + " failed in GenerationJob/generate:",
                "exceed the model's maxSeqLen 1024");
    }

    /**
     * Figures, printed not asserted: POST round trip (validation, two acks=all writes) and the time from a result
     * record's acknowledgement to its event reaching an SSE client.
     */
    @Test
    void latencyFigures() throws Exception {
        int n = 30;
        long[] postUs = new long[n];
        String lastId = null;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = post("{\"prompt\": \"figure " + i + "\", \"frames\": 1}");
            postUs[i] = (System.nanoTime() - t0) / 1_000;
            assertThat(r.statusCode()).isEqualTo(202);
            lastId = json(r.body()).path("requestId").asText();
        }
        Listener live = new Listener(lastId);
        await("the stream to open", () -> live.open);
        long[] eventUs = new long[n];
        for (int i = 0; i < n; i++) {
            int before = live.events.size();
            long t0 = System.nanoTime();
            produce(Topics.TOKENS, Records.token(lastId, 0, i, i, false));
            await("token " + i, () -> live.events.size() > before);
            eventUs[i] = (System.nanoTime() - t0) / 1_000;
        }
        java.util.Arrays.sort(postUs);
        java.util.Arrays.sort(eventUs);
        System.out.printf("FIGURE gateway POST round trip: median %.1f ms, p90 %.1f ms (n=%d)%n",
                postUs[n / 2] / 1e3, postUs[n * 9 / 10] / 1e3, n);
        System.out.printf("FIGURE result record send (incl. its acks=all) to SSE client, 20 ms polling grain:"
                + " median %.1f ms, p90 %.1f ms (n=%d)%n",
                eventUs[n / 2] / 1e3, eventUs[n * 9 / 10] / 1e3, n);
    }

    /** The id of a request with this prompt created at or after {@code sinceMs}, or null if none yet. */
    static String newestRequestSince(long sinceMs, String prompt) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.PROMPTS.name()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            var ends = c.endOffsets(parts);
            String found = null;
            while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    GenerationRequest g = Topics.PROMPTS.codec().decode(r.value());
                    if (g.getCreatedAtMs() >= sinceMs && g.getPrompt().equals(prompt)) {
                        found = g.getRequestId();
                    }
                }
            }
            return found;
        }
    }

    static int gifFrames(Path gif) throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
            r.setInput(in);
            int n = r.getNumImages(true);
            r.dispose();
            return n;
        }
    }
}
