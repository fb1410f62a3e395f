package io.tessera.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.embedded.EmbeddedKafka;
import io.tessera.schemas.Topics;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code /readyz} follows Kafka: 200 while the broker answers, 503 with Retry-After once it is gone. */
class ReadyzIT {

    @Test
    void readyzIs503WhenKafkaIsGone() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        EmbeddedKafka kafka = EmbeddedKafka.start(Path.of("target/tmp/readyz-it-" + System.nanoTime()), 0);
        Gateway gateway = null;
        try {
            kafka.createTopics(Topics.ALL);
            gateway = Gateway.start(GatewayConfig.defaults(kafka.bootstrapServers()).withPort(0));
            HttpRequest ready = HttpRequest.newBuilder(gateway.baseUri().resolve("/readyz"))
                    .timeout(Duration.ofSeconds(30)).build();
            assertThat(http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            kafka.close();
            kafka = null;
            HttpResponse<String> r = http.send(ready, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(r.body()).contains("did not answer within");
            // Liveness is another matter: the gateway itself still runs.
            assertThat(http.send(HttpRequest.newBuilder(gateway.baseUri().resolve("/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        } finally {
            if (gateway != null) {
                gateway.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        }
    }
}
