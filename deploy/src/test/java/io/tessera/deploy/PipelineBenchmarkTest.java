package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineBenchmarkTest {

    /** A round of one request: started at {@code start} ms, first token at {@code first}, done at {@code done}. */
    private static PipelineBenchmark.Run round(String id, long start, long first, long done, int tokens, double cpu) {
        PipelineBenchmark.Run r = PipelineBenchmark.Run.empty();
        r.startNanos().put(id, start * 1_000_000L);
        r.firstNanos().put(id, first * 1_000_000L);
        r.doneNanos().put(id, done * 1_000_000L);
        r.tokens().put(id, java.util.Collections.nCopies(tokens, 7));
        r.cpuSeconds()[0] = cpu;
        return r;
    }

    @Test
    void roundsAddTokensSecondsAndCpuAndPoolLatencies() {
        // 100 tokens in 1 s, then 300 tokens in 2 s: 400 tokens in 3 s, not the mean of 100 and 150 tokens/s
        var rounds = new PipelineBenchmark.Rounds(List.of(round("a", 0, 40, 1_000, 100, 0.2),
            round("b", 5_000, 5_010, 7_000, 300, 0.6)));
        assertThat(rounds.tokenCount()).isEqualTo(400);
        assertThat(rounds.seconds()).isCloseTo(3.0, within(1e-9));
        assertThat(rounds.tokensPerSecond()).isCloseTo(400 / 3.0, within(1e-9));
        assertThat(rounds.cpuMsPerToken()).isCloseTo(2.0, within(1e-9));
        assertThat(rounds.ttftMs(PipelineBenchmark.Run::firstNanos)).containsExactly(10.0, 40.0);
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(PipelineBenchmark.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(PipelineBenchmark.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }

    @Test
    void threadsOfAPoolCountAsOneGroup() {
        assertThat(PipelineBenchmark.Cpu.group("data-plane-kafka-request-handler-3"))
            .isEqualTo(PipelineBenchmark.Cpu.group("data-plane-kafka-request-handler-12"))
            .isEqualTo("data-plane-kafka-request-handler-N");
        assertThat(PipelineBenchmark.Cpu.group("generate (1/1)#0")).isEqualTo("generate");
        assertThat(PipelineBenchmark.Cpu.group("kafka-producer-network-thread | bench-ea25b3ab-tokens"))
            .as("numbers inside a word stay").isEqualTo("kafka-producer-network-thread | bench-ea25b3ab-tokens");
    }
}
