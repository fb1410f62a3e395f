package io.tessera.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AccessConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        AccessConfig a = GatewayConfig.defaults("127.0.0.1:9").access();
        assertThat(a.apiKeysFile()).isNull();
        assertThat(a.maxInFlight()).isEqualTo(64);
        assertThat(a.maxInFlightPerTenant()).isEqualTo(16);
        assertThat(a.requestLifetime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(a.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(GatewayConfig.defaults("127.0.0.1:9").withApiKeysFile(Path.of("k")).access().apiKeysFile())
                .isEqualTo(Path.of("k"));
    }

    @Test
    void invalidValuesFailNamingTheKeyAndTheRange() {
        assertThatThrownBy(() -> AccessConfig.defaults().withInFlight(0, 1)).hasMessageContaining("maxInFlight")
                .hasMessageContaining("[1, 1000000]");
        assertThatThrownBy(() -> AccessConfig.defaults().withInFlight(4, 5))
                .hasMessageContaining("maxInFlightPerTenant").hasMessageContaining("[1, maxInFlight=4]");
        assertThatThrownBy(() -> AccessConfig.defaults().withRequestLifetime(Duration.ZERO))
                .hasMessageContaining("requestLifetime");
        assertThatThrownBy(() -> new AccessConfig(null, 1, 1, Duration.ofMinutes(1), Duration.ZERO))
                .hasMessageContaining("retryAfter");
        assertThatThrownBy(() -> GatewayConfig.defaults("127.0.0.1:9").withAccess(null))
                .hasMessageContaining("access");
    }
}
