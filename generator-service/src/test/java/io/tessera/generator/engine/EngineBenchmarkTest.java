package io.tessera.generator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench engine} on a short run: every line is there, batching changes no token, the last line parses. */
class EngineBenchmarkTest {

    @Test
    void printsEveryBatchSizeTheWeightMatmulsAndTheSpeedupLast() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        double speedup = EngineBenchmark.run(new String[] {"--prefix", "3", "--new-tokens", "3", "--vocab", "64",
                "--repeats", "1"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).anyMatch(l -> l.startsWith("batch  1:"));
        assertThat(lines).filteredOn(l -> l.startsWith("batch  8:") || l.startsWith("batch 32:"))
                .hasSize(2).allMatch(l -> l.endsWith("identical tokens 32/32"));
        assertThat(lines).anyMatch(l -> l.startsWith("weight matmuls alone") && l.contains("batch 32"));
        assertThat(lines.get(lines.size() - 1)).isEqualTo(String.format("batch32_speedup=%.2f", speedup));
        assertThat(speedup).isPositive();
    }

    @Test
    void rejectsUnknownOptions() {
        assertThatThrownBy(() -> EngineBenchmark.run(new String[] {"--batch", "4"}, System.out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--batch");
    }
}
