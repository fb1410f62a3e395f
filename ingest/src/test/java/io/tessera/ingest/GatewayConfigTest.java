package io.tessera.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void defaultsListenOnLoopbackAndValidate() {
        GatewayConfig c = GatewayConfig.defaults("127.0.0.1:9092");
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.maxPromptChars()).isEqualTo(1000);
        assertThat(c.keepAlive()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.readCommitted()).isFalse();
        assertThat(c.withPort(0).port()).isZero();
    }

    @Test
    void badValuesNameTheKeyAndTheRange() {
        GatewayConfig c = GatewayConfig.defaults("127.0.0.1:9092");
        assertThatThrownBy(() -> c.withPort(70_000)).hasMessage("gateway config port must be in [0, 65535], got 70000");
        assertThatThrownBy(() -> GatewayConfig.defaults(" ")).hasMessage("gateway config bootstrapServers must be set");
        assertThatThrownBy(() -> c.withBodyLimits(10, 4096, 4096)).hasMessageContaining("maxBodyBytes");
        assertThatThrownBy(() -> c.withBodyLimits(1 << 20, 64 << 20, 4096)).hasMessageContaining("maxImageBytes");
        assertThatThrownBy(() -> c.withStreamLimits(0, 10, 4096, Duration.ofSeconds(1)))
                .hasMessageContaining("maxEventStreams");
        assertThatThrownBy(() -> c.withStreamLimits(10, 10, 4096, Duration.ZERO)).hasMessageContaining("keepAlive");
        assertThatThrownBy(() -> c.withProduceTimeout(null)).hasMessageContaining("produceTimeout");
    }

    @Test
    void startingWithoutKafkaFailsWithAMessageSayingWhere() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        GatewayConfig c = GatewayConfig.defaults("127.0.0.1:" + port).withPort(0)
                .withProduceTimeout(Duration.ofSeconds(2));
        assertThatThrownBy(() -> Gateway.start(c))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot read the result topics from Kafka at 127.0.0.1:" + port);
    }
}
