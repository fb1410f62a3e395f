package io.tessera.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router on a real JDK HTTP server: status codes and error bodies, without Kafka. */
class RouterTest {

    HttpServer server;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", new Router()
                .route("GET", "/things/{id}", call -> call.sendJson(200, Json.object().put("id", call.pathParam(0))))
                .route("POST", "/things", call -> {
                    byte[] body = call.body(1024);
                    if (body.length == 0) {
                        throw ApiException.badField("name", "name is required");
                    }
                    call.sendJson(202, Json.object().put("bytes", body.length));
                })
                .route("GET", "/boom", call -> {
                    throw new IllegalStateException("bug");
                }));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void routesMatchPathParameters() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/things/abc-1")));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"id\":\"abc-1\"}");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> missing = send(HttpRequest.newBuilder(uri("/things/a/b")));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"error\":\"no such endpoint: /things/a/b\"");

        HttpResponse<String> wrong = send(HttpRequest.newBuilder(uri("/things")).GET());
        assertThat(wrong.statusCode()).isEqualTo(405);
        assertThat(wrong.headers().firstValue("Allow")).hasValue("POST");
        assertThat(wrong.body()).contains("use POST");
    }

    @Test
    void apiExceptionsBecomeTheirStatusWithTheField() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/things"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("{\"error\":\"name is required\",\"field\":\"name\"}");
    }

    @Test
    void bodiesOverTheLimitAre413() throws Exception {
        HttpResponse<String> ok = send(HttpRequest.newBuilder(uri("/things"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024])));
        assertThat(ok.statusCode()).isEqualTo(202);
        HttpResponse<String> big = send(HttpRequest.newBuilder(uri("/things"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1025])));
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(big.body()).contains("limit of 1024 bytes");
    }

    @Test
    void unexpectedFailuresAre500WithoutDetails() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/boom")));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("{\"error\":\"internal error: IllegalStateException\"}");
    }
}
