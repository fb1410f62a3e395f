package io.tessera.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.embedded.EmbeddedKafka;
import io.tessera.ingest.auth.ApiKeys;
import io.tessera.ingest.cli.SseReader;
import io.tessera.ingest.status.StatusConfig;
import io.tessera.ingest.status.StatusService;
import io.tessera.records.Cancel;
import io.tessera.records.Feedback;
import io.tessera.records.FeedbackKind;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.schemas.Topic;
import io.tessera.schemas.Topics;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
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
 * Keys, tenants, admission, cancel, feedback, status, the open routes and stream resumption: the real gateway with
 * a real status store against a real broker. The test writes the result records a generation job would write.
 */
class GatewayAccessIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALICE = "alice-key-0123456789abcdef";
    static final String BOB = "bob-key-0123456789abcdefghi";
    static final String CAROL = "carol-key-0123456789abcdefg";
    static final int PER_TENANT = 3;

    static EmbeddedKafka kafka;
    static StatusService statuses;
    static Gateway gateway;
    static KafkaProducer<String, byte[]> results;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createDirectories(Path.of("target/tmp/gateway-access-it-" + System.nanoTime()));
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        kafka.createTopics(Topics.ALL);
        Path keys = dir.resolve("api-keys");
        Files.writeString(keys, ApiKeys.fileLine(ALICE, "alice") + "\n" + ApiKeys.fileLine(BOB, "bob") + "\n"
                + ApiKeys.fileLine(CAROL, "carol") + "\n");
        statuses = StatusService.start(StatusConfig.defaults(kafka.bootstrapServers(), dir.resolve("data")));
        gateway = Gateway.start(GatewayConfig.defaults(kafka.bootstrapServers()).withPort(0)
                .withAccess(AccessConfig.defaults().withApiKeysFile(keys).withInFlight(50, PER_TENANT)), statuses);
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
        if (statuses != null) {
            statuses.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    static HttpRequest.Builder request(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.baseUri().resolve(path)).timeout(WAIT);
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    static HttpResponse<String> get(String path, String key) throws Exception {
        return http.send(request(path, key).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String key, String body) throws Exception {
        return http.send(request(path, key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String submit(String key, String body) throws Exception {
        HttpResponse<String> r = post("/v1/generations", key, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return json(r.body()).path("requestId").asText();
    }

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    static <V extends SpecificRecord> void produce(Topic<V> topic, V value) throws Exception {
        results.send(new ProducerRecord<>(topic.name(), topic.keyOf(value), topic.codec().encode(value)))
                .get(30, TimeUnit.SECONDS);
    }

    /** Writes what the jobs write for a finished one-sample request of {@code tenant}: tokens, frame, completion. */
    static void finish(String id, String tenant) throws Exception {
        produce(Topics.TOKENS, Records.token(id, 0, 0, 0, true));
        produce(Topics.MEDIA_OUT, Records.frame(id, 0, 0, 1, TestMedia.png(16, 16, 1)));
        produce(Topics.GENERATIONS, GenerationCompleted.newBuilder(
                Records.completed(id, 0, 1, FinishReason.LENGTH)).setTenant(tenant).build());
    }

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
            Thread.sleep(50);
        }
    }

    // ---- authentication and tenants -------------------------------------------------------------------------

    @Test
    void everyV1RouteNeedsAKeyAndTheOpenRoutesDoNot() throws Exception {
        for (String[] call : List.of(new String[] {"POST", "/v1/generations"},
                new String[] {"GET", "/v1/generations/x1"}, new String[] {"GET", "/v1/generations/x1/events"},
                new String[] {"POST", "/v1/generations/x1/cancel"}, new String[] {"POST", "/v1/feedback"})) {
            HttpRequest.Builder b = request(call[1], null);
            b = call[0].equals("POST") ? b.POST(HttpRequest.BodyPublishers.ofString("{}")) : b.GET();
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(call[0] + " " + call[1]).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Bearer"));
            assertThat(json(r.body()).path("error").asText()).contains("Authorization: Bearer");
        }
        HttpResponse<String> wrong = post("/v1/generations", "not-a-key-0123456789", "{\"prompt\": \"p\"}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain("not-a-key");
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).contains("invalid_token"));

        HttpResponse<String> viaHeader = http.send(request("/v1/generations", null)
                .header("X-API-Key", ALICE).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"x-api-key\", \"frames\": 1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(viaHeader.statusCode()).as(viaHeader.body()).isEqualTo(202);
        finish(json(viaHeader.body()).path("requestId").asText(), "alice");

        for (String open : List.of("/healthz", "/readyz", "/metrics", "/openapi.json")) {
            assertThat(get(open, null).statusCode()).as(open).isEqualTo(200);
        }
    }

    @Test
    void theRequestCarriesTheCallersTenantAndOtherTenantsGet403() throws Exception {
        String id = submit(ALICE, "{\"prompt\": \"a red circle\", \"frames\": 2, \"samples\": 2}");
        GenerationRequest rec = readAll(Topics.PROMPTS, id, l -> !l.isEmpty()).get(0);
        assertThat(rec.getTenant()).isEqualTo("alice");

        assertThat(get("/v1/generations/" + id, BOB).statusCode()).isEqualTo(403);
        assertThat(get("/v1/generations/" + id + "/events", BOB).statusCode()).isEqualTo(403);
        assertThat(post("/v1/generations/" + id + "/cancel", BOB, "").statusCode()).isEqualTo(403);
        HttpResponse<String> fb = post("/v1/feedback", BOB, "{\"requestId\": \"" + id + "\", \"kind\": \"up\"}");
        assertThat(fb.statusCode()).isEqualTo(403);
        assertThat(json(fb.body()).path("error").asText()).contains("another tenant");

        String unknown = "no-such-request";
        assertThat(get("/v1/generations/" + unknown, ALICE).statusCode()).isEqualTo(404);
        assertThat(get("/v1/generations/" + unknown + "/events", ALICE).statusCode()).isEqualTo(404);
        assertThat(post("/v1/generations/" + unknown + "/cancel", ALICE, "").statusCode()).isEqualTo(404);
        assertThat(post("/v1/feedback", ALICE, "{\"requestId\": \"" + unknown + "\", \"kind\": \"up\"}")
                .statusCode()).isEqualTo(404);
        assertThat(get("/v1/generations/a%20b", ALICE).statusCode()).isEqualTo(400);

        // A body cannot choose the tenant.
        HttpResponse<String> spoof = post("/v1/generations", BOB, "{\"prompt\": \"p\", \"tenant\": \"alice\"}");
        assertThat(spoof.statusCode()).isEqualTo(400);
        assertThat(json(spoof.body()).path("field").asText()).isEqualTo("tenant");
        produce(Topics.TOKENS, Records.token(id, 0, 0, 0, true));
        produce(Topics.TOKENS, Records.token(id, 1, 0, 0, true));
        produce(Topics.GENERATIONS, GenerationCompleted.newBuilder(
                Records.completed(id, 0, 2, FinishReason.LENGTH)).setTenant("alice").build());
        produce(Topics.GENERATIONS, GenerationCompleted.newBuilder(
                Records.completed(id, 1, 2, FinishReason.LENGTH)).setTenant("alice").build());
    }

    // ---- admission -----------------------------------------------------------------------------------------

    @Test
    void pastTheTenantLimitRequestsGet429UntilOneFinishes() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < PER_TENANT; i++) {
            ids.add(submit(CAROL, "{\"prompt\": \"carol " + i + "\", \"frames\": 1}"));
        }
        HttpResponse<String> refused = post("/v1/generations", CAROL, "{\"prompt\": \"one too many\"}");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
        JsonNode body = json(refused.body());
        assertThat(body.path("reason").asText()).isEqualTo(Admission.TENANT_LIMIT);
        assertThat(body.path("limit").asInt()).isEqualTo(PER_TENANT);
        assertThat(body.path("error").asText()).contains("carol", "limit is " + PER_TENANT);
        // A burst past the limit is refused at once and leaves nothing behind.
        long retained = gateway.retainedForTest();
        for (int i = 0; i < 200; i++) {
            assertThat(post("/v1/generations", CAROL, "{\"prompt\": \"burst " + i + "\"}").statusCode())
                    .isEqualTo(429);
        }
        assertThat(gateway.retainedForTest()).isEqualTo(retained);
        // Other tenants are not held up by carol's backlog.
        String bobs = submit(BOB, "{\"prompt\": \"bob is fine\", \"frames\": 1}");
        finish(bobs, "bob");

        String metrics = get("/metrics", null).body();
        assertThat(metrics).contains("tessera_gateway_in_flight{tenant=\"carol\"} " + PER_TENANT,
                "tessera_gateway_rejected_total{reason=\"tenant_limit\"}",
                "tessera_gateway_requests_total{method=\"POST\",route=\"/v1/generations\",code=\"429\"}");

        // When one of carol's requests finishes (as the gateway's result reader sees it), she may post again.
        finish(ids.get(0), "carol");
        await("a slot for carol", () -> !gateway.metricsForTest().render()
                .contains("tessera_gateway_in_flight{tenant=\"carol\"} " + PER_TENANT));
        ids.add(submit(CAROL, "{\"prompt\": \"carol again\", \"frames\": 1}"));
        for (String id : ids.subList(1, ids.size())) {
            finish(id, "carol");
        }
    }

    // ---- validation, cancel, feedback, status ----------------------------------------------------------------

    @Test
    void badBodiesAre400NamingTheField() throws Exception {
        for (Map.Entry<String, String> e : Map.of(
                "{\"prompt\": \"p\", \"frames\": 65}", "frames",
                "{\"prompt\": \"p\", \"sampling\": {\"topK\": 70000}}", "sampling.topK",
                "{\"prompt\": \"p\", \"samples\": 0}", "samples").entrySet()) {
            HttpResponse<String> r = post("/v1/generations", ALICE, e.getKey());
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(json(r.body()).path("field").asText()).isEqualTo(e.getValue());
        }
        String id = submit(ALICE, "{\"prompt\": \"feedback target\", \"frames\": 1, \"samples\": 2}");
        HttpResponse<String> r = post("/v1/feedback", ALICE, "{\"requestId\": \"" + id + "\", \"kind\": \"rating\","
                + " \"rating\": 9}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("field").asText()).isEqualTo("rating");
        assertThat(json(r.body()).path("error").asText()).contains("[1, 5]");
        r = post("/v1/feedback", ALICE, "{\"requestId\": \"" + id + "\", \"kind\": \"up\", \"sampleIndex\": 2}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("error").asText()).contains("the request has 2 samples");
        r = post("/v1/generations/" + id + "/cancel", ALICE, "{\"because\": 1}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("field").asText()).isEqualTo("because");
        post("/v1/generations/" + id + "/cancel", ALICE, "");
    }

    @Test
    void cancelAndFeedbackLandOnTheirTopicsWithTheCallersTenant() throws Exception {
        String id = submit(ALICE, "{\"prompt\": \"to be judged\", \"frames\": 1, \"samples\": 2}");

        HttpResponse<String> c = post("/v1/generations/" + id + "/cancel", ALICE, "{\"reason\": \"changed my mind\"}");
        assertThat(c.statusCode()).as(c.body()).isEqualTo(202);
        Cancel cancel = readAll(Topics.CONTROL, id, l -> !l.isEmpty()).get(0);
        assertThat(cancel.getRequestId()).isEqualTo(id);
        assertThat(cancel.getTenant()).isEqualTo("alice");
        assertThat(cancel.getReason()).isEqualTo("changed my mind");
        assertThat(cancel.getRequestedAtMs()).isPositive();

        assertThat(post("/v1/feedback", ALICE, "{\"requestId\": \"" + id + "\", \"kind\": \"up\", \"sampleIndex\": 1,"
                + " \"user\": \"ann\"}").statusCode()).isEqualTo(202);
        assertThat(post("/v1/feedback", ALICE, "{\"requestId\": \"" + id + "\", \"kind\": \"preference\","
                + " \"preferredSample\": 1, \"rejectedSample\": 0}").statusCode()).isEqualTo(202);
        List<Feedback> fb = readAll(Topics.FEEDBACK, id, l -> l.size() >= 2);
        assertThat(fb).hasSize(2);
        assertThat(fb).extracting(Feedback::getTenant).containsOnly("alice");
        assertThat(fb.get(0).getKind()).isEqualTo(FeedbackKind.THUMBS_UP);
        assertThat(fb.get(0).getSampleIndex()).isEqualTo(1);
        assertThat(fb.get(0).getUser()).isEqualTo("ann");
        assertThat(fb.get(1).getKind()).isEqualTo(FeedbackKind.PREFERENCE);
        assertThat(fb.get(1).getPreferredSample()).isEqualTo(1);
        assertThat(fb.get(1).getRejectedSample()).isZero();

        // The generators answer the cancel: both samples stop as CANCELLED, which frees the slot too.
        for (int s = 0; s < 2; s++) {
            produce(Topics.TOKENS, Records.token(id, s, 0, 0, true));
            produce(Topics.GENERATIONS, GenerationCompleted.newBuilder(
                    Records.completed(id, s, 2, FinishReason.CANCELLED)).setTenant("alice").build());
        }
    }

    @Test
    void statusComesFromTheStatusStore() throws Exception {
        String id = submit(ALICE, "{\"prompt\": \"status please\", \"frames\": 1}");
        HttpResponse<String> first = get("/v1/generations/" + id, ALICE);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(json(first.body()).path("requestId").asText()).isEqualTo(id);
        assertThat(json(first.body()).path("state").asText()).isIn("QUEUED", "GENERATING");
        finish(id, "alice");
        JsonNode[] last = new JsonNode[1];
        await("the status to say DONE", () -> {
            try {
                last[0] = json(get("/v1/generations/" + id, ALICE).body());
                return last[0].path("state").asText().equals("DONE");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(last[0].path("tenant").asText()).isEqualTo("alice");
        assertThat(last[0].path("policyVersion").asLong()).isEqualTo(3);
        assertThat(last[0].path("totalMs").asLong()).isEqualTo(250);
    }

    // ---- open routes ---------------------------------------------------------------------------------------

    @Test
    void theOpenApiDocumentDescribesEveryServedRoute() throws Exception {
        HttpResponse<String> r = get("/openapi.json", null);
        JsonNode doc = json(r.body());
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        Set<String> described = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            path.getValue().fieldNames().forEachRemaining(m -> described.add(m.toUpperCase() + " " + path.getKey()));
        }
        Set<String> served = new HashSet<>();
        for (Router.RouteInfo route : gateway.routes()) {
            served.add(route.method() + " " + route.path());
        }
        assertThat(described).containsExactlyInAnyOrderElementsOf(served);
    }

    @Test
    void readyzAskesKafkaAndMetricsAreInTheTextFormat() throws Exception {
        HttpResponse<String> ready = get("/readyz", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready.body()).path("kafkaNodes").asInt()).isEqualTo(1);
        HttpResponse<String> m = get("/metrics", null);
        assertThat(m.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
        assertThat(m.body()).contains("# TYPE tessera_gateway_publish_seconds histogram",
                "tessera_gateway_sse_subscribers ", "tessera_gateway_requests_total{method=\"GET\",route=\"/readyz\"");
    }

    // ---- resuming a stream -----------------------------------------------------------------------------------

    /** Opens the events stream (after {@code lastEventId} when not null) and reads until {@code stopAfter} events. */
    static List<SseReader.Event> read(String id, String lastEventId, int stopAfter) throws Exception {
        HttpRequest.Builder b = request("/v1/generations/" + id + "/events", ALICE);
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        List<SseReader.Event> events = new ArrayList<>();
        try (InputStream body = r.body(); BufferedReader in = new BufferedReader(new InputStreamReader(body,
                StandardCharsets.UTF_8))) {
            SseReader sse = new SseReader(in);
            SseReader.Event e;
            while (events.size() < stopAfter && (e = sse.next()) != null) {
                events.add(e);
            }
        } // closing mid-stream drops the connection
        return events;
    }

    @Test
    void resumingWithLastEventIdNeitherLosesNorRepeatsEvents() throws Exception {
        String id = submit(ALICE, "{\"prompt\": \"resume me\", \"frames\": 4}");
        for (int seq = 0; seq < 3; seq++) {
            produce(Topics.TOKENS, Records.token(id, 0, seq, seq, false));
        }
        List<SseReader.Event> first = read(id, null, 2); // disconnect after two of the three
        assertThat(first).extracting(SseReader.Event::id).containsExactly("0", "1");

        // Results keep coming while the client is away.
        produce(Topics.TOKENS, Records.token(id, 0, 3, 3, true));
        for (int f = 0; f < 4; f++) {
            produce(Topics.MEDIA_OUT, Records.frame(id, 0, f, 4, TestMedia.png(16, 16, f)));
        }
        produce(Topics.TOKENS, Records.token(id, 0, 1, 1, false)); // a redelivered duplicate
        produce(Topics.GENERATIONS, GenerationCompleted.newBuilder(
                Records.completed(id, 0, 1, FinishReason.LENGTH)).setTenant("alice").build());

        List<SseReader.Event> rest = read(id, first.get(first.size() - 1).id(), Integer.MAX_VALUE);
        List<SseReader.Event> all = new ArrayList<>(first);
        all.addAll(rest);
        List<String> ids = all.stream().map(SseReader.Event::id).toList();
        List<String> dense = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            dense.add(Integer.toString(i));
        }
        assertThat(ids).as("dense ids, none lost, none twice").isEqualTo(dense);
        assertThat(all.get(all.size() - 1).name()).isEqualTo("done");
        List<Integer> seqs = new ArrayList<>();
        int frames = 0;
        for (SseReader.Event e : all) {
            if (e.name().equals("token")) {
                seqs.add(json(e.data()).path("seq").asInt());
            } else if (e.name().equals("frame")) {
                frames++;
            }
        }
        assertThat(seqs).containsExactly(0, 1, 2, 3);
        assertThat(frames).isEqualTo(4);
    }
}
