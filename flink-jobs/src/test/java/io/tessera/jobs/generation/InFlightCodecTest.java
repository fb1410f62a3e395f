package io.tessera.jobs.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.generator.engine.SampleRequest;
import io.tessera.generator.engine.SampleState;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenGrammar;
import io.tessera.records.Task;
import org.junit.jupiter.api.Test;

class InFlightCodecTest {

    @Test
    void roundTripsMetaRequestAndTokensAndRebasesTheArrivalClock() {
        SampleMeta meta = new SampleMeta("req-ü", 3, 4, Task.TEXT_TO_VIDEO, "a blue square ✓", "acme", -9L);
        SampleRequest request = new SampleRequest("req-ü#3", new int[] {4, 5, 6}, new int[] {4}, 40,
                new TokenGrammar(new int[] {0, 10}, new int[] {10, 20}),
                new SamplingConfig(0.7f, 5, 0.9f, 2.5f, 1234L), 1_000L);
        SampleState state = new SampleState(request, new int[] {11, 3}, new float[] {-0.1f, -2f}, new long[] {1, 2});

        byte[] bytes = InFlightCodec.encode(meta, state, 5_000L);
        InFlightCodec.Entry entry = InFlightCodec.decode(bytes, 100_000L);

        assertThat(entry.meta()).isEqualTo(meta);
        SampleRequest back = entry.state().request();
        assertThat(back.arrivedAtNanos()).isEqualTo(100_000L - 4_000L);
        assertThat(back).isEqualTo(new SampleRequest(request.sampleId(), request.prefix(),
                request.unconditionalPrefix(), request.maxNewTokens(), request.grammar(), request.sampling(),
                96_000L));
        assertThat(entry.state().generated()).containsExactly(11, 3);
        assertThat(entry.state().logprobs()).containsExactly(-0.1f, -2f);
        assertThat(entry.state().versions()).containsExactly(1L, 2L);
    }

    @Test
    void roundTripsAFinishedBestOfCandidateAndReadsVersionOneEntries() {
        SampleMeta meta = new SampleMeta("r", 1, 2, Task.TEXT_TO_VIDEO, "p", "t", 8L, 2, 3);
        SampleRequest request = new SampleRequest(meta.sampleId(), new int[] {4, 5}, null, 40,
                new TokenGrammar(new int[] {0}, new int[] {10}), new SamplingConfig(1f, 0, 1f, 1f, 77L), 0L);
        SampleState state = new SampleState(request, new int[] {7}, new float[] {-0.5f}, new long[] {3});
        InFlightCodec.Finish finish = new InFlightCodec.Finish(io.tessera.records.FinishReason.LENGTH,
                new io.tessera.generator.engine.SampleTimings(10L, 20L, 30L, 1));

        InFlightCodec.Entry entry = InFlightCodec.decode(InFlightCodec.encode(meta, state, finish, 0L), 0L);
        assertThat(entry.meta()).isEqualTo(meta);
        assertThat(entry.meta().sampleId()).isEqualTo("r#1/2");
        assertThat(entry.finish()).isEqualTo(finish);
        assertThat(entry.state().generated()).containsExactly(7);

        // Version 1 is version 2's body without the trailer (candidate, bestOf, finished flag): a plain sample.
        SampleMeta plain = new SampleMeta("r", 1, 2, Task.TEXT_TO_VIDEO, "p", "t", 8L);
        byte[] v2 = InFlightCodec.encode(plain, state, 0L);
        byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - (4 + 4 + 1));
        v1[0] = InFlightCodec.VERSION_1;
        InFlightCodec.Entry old = InFlightCodec.decode(v1, 0L);
        assertThat(old.meta()).isEqualTo(plain);
        assertThat(old.meta().bestOf()).isEqualTo(1);
        assertThat(old.finish()).isNull();
        assertThat(old.state().generated()).containsExactly(7);
    }

    @Test
    void anUnknownVersionIsRefused() {
        assertThatThrownBy(() -> InFlightCodec.decode(new byte[] {9}, 0L)).hasMessageContaining("version 9");
    }
}
