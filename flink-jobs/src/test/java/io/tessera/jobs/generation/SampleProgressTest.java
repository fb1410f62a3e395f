package io.tessera.jobs.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.generator.engine.SampleRequest;
import io.tessera.generator.engine.SampleState;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenGrammar;
import io.tessera.records.FinishReason;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleProgressTest {

    static final SampleMeta META = new SampleMeta("r", 1, 2, Task.TEXT_TO_VIDEO, "p", "t", 5L);

    static SampleRequest request(int maxNewTokens) {
        return new SampleRequest("r#1", new int[] {1, 2, 3}, null, maxNewTokens, TokenGrammar.unconstrained(50),
                SamplingConfig.DEFAULT, 0L);
    }

    /** Feeds n tokens, collecting the chunks the operator would emit. */
    static List<TokenChunk> feed(SampleProgress p, int from, int n) {
        List<TokenChunk> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            p.append(i, 10 + i, -0.5f * i, 3L);
            if (p.frameReadyBeforeEnd()) {
                out.add(p.takeChunk(false, null, 3L));
            }
        }
        return out;
    }

    @Test
    void oneChunkPerFrameAndTheLastFrameLeavesWithTheFinalChunk() {
        SampleProgress p = SampleProgress.fresh(META, request(12), 4);
        List<TokenChunk> chunks = feed(p, 0, 12);
        chunks.add(p.takeChunk(true, FinishReason.LENGTH, 3L));

        assertThat(chunks).extracting(TokenChunk::getSeq).containsExactly(0, 1, 2);
        assertThat(chunks).extracting(TokenChunk::getFirstPosition).containsExactly(0, 4, 8);
        assertThat(chunks).extracting(TokenChunk::getFrameIndex).containsExactly(0, 1, 2);
        assertThat(chunks).extracting(TokenChunk::getFinal$).containsExactly(false, false, true);
        assertThat(chunks.get(2).getFinishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(chunks.get(1).getTokens()).containsExactly(14, 15, 16, 17);
        assertThat(chunks.get(1).getLogprobs()).containsExactly(-2f, -2.5f, -3f, -3.5f);
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.getRequestId()).isEqualTo("r");
            assertThat(c.getSampleIndex()).isEqualTo(1);
            assertThat(c.getPolicyVersion()).isEqualTo(3L);
        });
    }

    @Test
    void anEarlyEndSendsThePartialFrameAsTheFinalChunk() {
        SampleProgress p = SampleProgress.fresh(META, request(12), 4);
        List<TokenChunk> chunks = feed(p, 0, 6);
        chunks.add(p.takeChunk(true, FinishReason.END_OF_SEQUENCE, 3L));
        assertThat(chunks).extracting(TokenChunk::getSeq).containsExactly(0, 1);
        assertThat(chunks.get(1).getTokens()).containsExactly(14, 15);
        assertThat(chunks.get(1).getFrameIndex()).isEqualTo(-1);
        assertThat(chunks.get(1).getFinal$()).isTrue();
    }

    @Test
    void aRestoredSampleContinuesWithTheSeqAndPositionsItWouldHaveHad() {
        SampleProgress uninterrupted = SampleProgress.fresh(META, request(12), 4);
        List<TokenChunk> expected = feed(uninterrupted, 0, 12);
        expected.add(uninterrupted.takeChunk(true, FinishReason.LENGTH, 3L));

        SampleProgress before = SampleProgress.fresh(META, request(12), 4);
        List<TokenChunk> got = feed(before, 0, 6);
        SampleState state = new SampleState(request(12), before.tokens(), before.logprobs(),
                new long[] {3, 3, 3, 3, 3, 3});
        SampleProgress after = SampleProgress.restored(META, state, 4);
        assertThat(after.nextSeq()).isEqualTo(1);
        got.addAll(feed(after, 6, 6));
        got.add(after.takeChunk(true, FinishReason.LENGTH, 3L));

        assertThat(got).usingRecursiveFieldByFieldElementComparatorIgnoringFields("emittedAtMs")
                .containsExactlyElementsOf(expected);
    }

    @Test
    void tokensOutOfPositionAreAnError() {
        SampleProgress p = SampleProgress.fresh(META, request(12), 4);
        assertThatThrownBy(() -> p.append(1, 5, 0f, 0L)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("position 1");
    }
}
