package io.tessera.ingest.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.tessera.ingest.status.Figures;
import io.tessera.ingest.status.StatusUnavailableException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code GET /v1/figures} on a real JDK HTTP server: parameters, the JSON it answers, 400 and 503. */
class FiguresEndpointTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    HttpServer server;

    URI serve(FiguresEndpoint.Source source) throws Exception {
        FiguresEndpoint endpoint = new FiguresEndpoint(source);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(FiguresEndpoint.PATH, endpoint::handle);
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + FiguresEndpoint.PATH);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    static Figures twoWindows() {
        return new Figures(10_000, 1_000_000, 1_020_000,
                List.of(new Figures.Point(1_000_000, 12.5), new Figures.Point(1_010_000, 3.0)),
                List.of(new Figures.LatencyPoint(1_000_000, 2, 40, 80, 50),
                        new Figures.LatencyPoint(1_010_000, 0, 0, 0, 0)),
                List.of(new Figures.Point(1_000_000, 1), new Figures.Point(1_010_000, 0)),
                List.of(new Figures.Point(1_000_000, 2), new Figures.Point(1_010_000, 1)),
                List.of(new Figures.RewardPoint(0, 4, 0.25), new Figures.RewardPoint(1, 2, 0.75)),
                1, Map.of());
    }

    @Test
    void answersTheFiguresJsonForTheAskedLookback() throws Exception {
        AtomicReference<Duration> asked = new AtomicReference<>();
        URI uri = serve(lookback -> {
            asked.set(lookback);
            return twoWindows();
        });

        HttpResponse<String> r = get(uri);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(asked.get()).isEqualTo(Duration.ofSeconds(FiguresEndpoint.DEFAULT_LOOKBACK_S));
        JsonNode f = JSON.readTree(r.body());
        // The field names the page's charts read.
        assertThat(f.get("tokensPerSecond").get(0).get("value").asDouble()).isEqualTo(12.5);
        assertThat(f.get("timeToFirstToken").get(0).get("p99Ms").asDouble()).isEqualTo(80);
        assertThat(f.get("activeRequests").get(1).get("value").asDouble()).isEqualTo(1);
        assertThat(f.get("deadLetters").get(0).get("startMs").asLong()).isEqualTo(1_000_000);
        assertThat(f.get("rewardByPolicy").get(1).get("mean").asDouble()).isEqualTo(0.75);
        assertThat(f.get("activeNow").asLong()).isEqualTo(1);
        assertThat(f.get("fromMs").asLong()).isEqualTo(1_000_000);
        assertThat(f.get("toMs").asLong()).isEqualTo(1_020_000);

        assertThat(get(URI.create(uri + "?lookback=60")).statusCode()).isEqualTo(200);
        assertThat(asked.get()).isEqualTo(Duration.ofSeconds(60));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "lookback=abc     | lookback | whole seconds in [10, 604800], got 'abc'",
        "lookback=9       | lookback | whole seconds in [10, 604800], got 9",
        "lookback=604801  | lookback | whole seconds in [10, 604800], got 604801",
        "lookback=        | lookback | got ''",
        "lookback=60&lookback=70 | lookback | lookback appears twice",
        "window=10        | window   | unknown query parameter 'window'"})
    void aBadParameterIsA400NamingItAndTheLimit(String query, String field, String message) throws Exception {
        URI uri = serve(lookback -> twoWindows());
        HttpResponse<String> r = get(URI.create(uri + "?" + query));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("field").asText()).isEqualTo(field);
        assertThat(body.get("error").asText()).contains(message);
    }

    @Test
    void aStoreThatCannotAnswerIsA503WithRetryAfter() throws Exception {
        URI uri = serve(lookback -> {
            throw new StatusUnavailableException("the status store is REBALANCING and cannot answer", null);
        });
        HttpResponse<String> r = get(uri);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue(Integer.toString(FiguresEndpoint.RETRY_AFTER_S));
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains("REBALANCING");
        stop();

        HttpResponse<String> none = get(serve(null));
        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(none.body()).get("error").asText()).contains("does not run in this gateway");
    }
}
