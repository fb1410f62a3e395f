package io.tessera.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void rendersThePrometheusTextFormat() {
        Metrics m = new Metrics();
        m.gauges(() -> Map.of("alice", 2, "b\"ob", 1), () -> 3, () -> 4);
        m.request("POST", "/v1/generations", 202);
        m.request("POST", "/v1/generations", 202);
        m.request("GET", "/v1/generations/{id}", 403);
        m.rejected(Admission.TENANT_LIMIT);
        m.published(3_000_000);   // 3 ms
        m.published(700_000_000); // 0.7 s
        String text = m.render();
        assertThat(text).contains(
                "# TYPE tessera_gateway_requests_total counter\n",
                "tessera_gateway_requests_total{method=\"POST\",route=\"/v1/generations\",code=\"202\"} 2\n",
                "tessera_gateway_requests_total{method=\"GET\",route=\"/v1/generations/{id}\",code=\"403\"} 1\n",
                "tessera_gateway_in_flight{tenant=\"alice\"} 2\n",
                "tessera_gateway_in_flight{tenant=\"b\\\"ob\"} 1\n",
                "tessera_gateway_in_flight_total 3\n",
                "tessera_gateway_sse_subscribers 3\n",
                "tessera_gateway_event_streams 4\n",
                "tessera_gateway_rejected_total{reason=\"tenant_limit\"} 1\n",
                "tessera_gateway_publish_seconds_bucket{le=\"0.005\"} 1\n",
                "tessera_gateway_publish_seconds_bucket{le=\"0.5\"} 1\n",
                "tessera_gateway_publish_seconds_bucket{le=\"1.0\"} 2\n",
                "tessera_gateway_publish_seconds_bucket{le=\"+Inf\"} 2\n",
                "tessera_gateway_publish_seconds_count 2\n");
        for (String line : text.split("\n")) {
            assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+(\\{.*\\})? [0-9.E+-]+");
        }
    }
}
