package io.tessera.reward.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScoringServerConfigTest {

    @Test
    void flagsAreParsedAndValidated() {
        ScoringServerConfig c = ScoringServerConfig.fromArgs(new String[] {"--port", "0", "--weight.learned", "0.5"});
        assertThat(c.port()).isZero();
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.reward().learned()).isEqualTo(0.5);
        assertThatThrownBy(() -> ScoringServerConfig.fromArgs(new String[] {"--port", "70000"}))
                .hasMessageContaining("'port': 70000 (allowed: 0 to 65535)");
        assertThatThrownBy(() -> ScoringServerConfig.fromArgs(new String[] {"--colour", "red"}))
                .hasMessageContaining("unknown option '--colour'");
        assertThatThrownBy(() -> ScoringServerConfig.fromArgs(new String[] {"--threads", "many"}))
                .hasMessageContaining("'threads': 'many' is not an integer");
    }
}
