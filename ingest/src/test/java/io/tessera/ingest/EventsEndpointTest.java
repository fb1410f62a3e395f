package io.tessera.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The events endpoint on a real JDK server with a real hub (no Kafka: the test feeds the hub directly). */
class EventsEndpointTest {

    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpServer server;
    EventHub hub;
    EventsEndpoint endpoint;

    void start(int maxStreams, long queueBytes) throws Exception {
        GatewayConfig cfg = GatewayConfig.defaults("127.0.0.1:9")
                .withStreamLimits(maxStreams, 100, queueBytes, Duration.ofMillis(100));
        hub = EventHub.of(cfg);
        endpoint = new EventsEndpoint(hub, cfg);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", new Router().route("GET", "/v1/generations/{id}/events", endpoint));
        server.start();
    }

    @AfterEach
    void stop() {
        hub.close();
        endpoint.close();
        server.stop(0);
    }

    URI events(String id) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/generations/" + id + "/events");
    }

    /** Raw lines of one stream, read in the background until it ends. */
    final class Lines {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> status = new CompletableFuture<>();
        final CompletableFuture<Void> ended;

        Lines(String id, String lastEventId) {
            ended = CompletableFuture.runAsync(() -> {
                try {
                    HttpRequest.Builder b = HttpRequest.newBuilder(events(id));
                    if (lastEventId != null) {
                        b.header("Last-Event-ID", lastEventId);
                    }
                    HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                    status.complete(r.statusCode());
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(),
                            StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            lines.add(line);
                        }
                    }
                } catch (Exception e) {
                    status.completeExceptionally(e);
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void anIdleStreamGetsKeepAliveComments() throws Exception {
        start(4, 1 << 20);
        Lines s = new Lines("quiet", null);
        await("two keep-alives", () -> s.lines.stream().filter(l -> l.equals(": keep-alive")).count() >= 2);
        assertThat(s.status.get()).isEqualTo(200);
        assertThat(s.lines.get(0)).isEqualTo(": events of quiet");
    }

    @Test
    void aClientThatFallsBehindGetsAnErrorEventAndTheStreamEnds() throws Exception {
        start(4, 1024);
        Lines s = new Lines("r", null);
        await("the subscription", () -> hub.subscribers("r") == 1);
        byte[] big = new byte[2048]; // one event larger than the client's queue bound
        hub.onMedia(Records.frame("r", 0, 0, 1, big));
        s.ended.get();
        assertThat(s.lines).contains("event: error");
        assertThat(String.join("\n", s.lines)).contains("fell too far behind");
        assertThat(hub.subscribers("r")).isZero();
    }

    @Test
    void resumingWithLastEventIdReplaysOnlyLaterEvents() throws Exception {
        start(4, 1 << 20);
        hub.expect("r", 1);
        EventHubTest.oneSample(hub, "r", 0, 1);
        Lines s = new Lines("r", "3");
        s.ended.get();
        assertThat(s.lines.stream().filter(l -> l.startsWith("id: ")).toList()).containsExactly("id: 4", "id: 5");
        assertThat(s.lines).contains("event: completed", "event: done");
    }

    @Test
    void pastTheStreamLimitItIs503WithRetryAfter() throws Exception {
        start(1, 1 << 20);
        Lines first = new Lines("a", null);
        await("the first stream", () -> hub.subscribers("a") == 1);
        HttpResponse<String> second = client.send(HttpRequest.newBuilder(events("b")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.headers().firstValue("Retry-After")).isPresent();
        assertThat(first.ended).isNotDone();
    }

    @Test
    void shuttingDownEndsStreamsWithAnErrorEvent() throws Exception {
        start(4, 1 << 20);
        Lines s = new Lines("r", null);
        await("the subscription", () -> hub.subscribers("r") == 1);
        hub.close();
        s.ended.get();
        assertThat(String.join("\n", s.lines)).contains("event: error", "shutting down");
    }

    @Test
    void badIdsAndBadLastEventIdsAre400() throws Exception {
        start(4, 1 << 20);
        assertThat(new Lines("a%20b", null).status.get()).isEqualTo(400);
        assertThat(new Lines("r", "seven").status.get()).isEqualTo(400);
    }
}
