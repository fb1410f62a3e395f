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
    void theFirstTokenAloneThenOneChunkPerFrameAndTheLastFrameLeavesWithTheFinalChunk() {
        SampleProgress p = SampleProgress.fresh(META, request(12), 4);
        List<TokenChunk> chunks = new ArrayList<>();
        p.append(0, 10, 0f, 3L);
        assertThat(p.frameReadyBeforeEnd()).as("the first token leaves at once").isTrue();
        chunks.add(p.takeChunk(false, null, 3L));
        chunks.addAll(feed(p, 1, 11));
        chunks.add(p.takeChunk(true, FinishReason.LENGTH, 3L));

        assertThat(chunks).extracting(TokenChunk::getSeq).containsExactly(0, 1, 2, 3);
        assertThat(chunks).extracting(TokenChunk::getFirstPosition).containsExactly(0, 1, 4, 8);
        assertThat(chunks).extracting(TokenChunk::getFrameIndex).containsExactly(-1, 0, 1, 2);
        assertThat(chunks).extracting(TokenChunk::getFinal$).containsExactly(false, false, false, true);
        assertThat(chunks.get(3).getFinishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(chunks.get(0).getTokens()).containsExactly(10);
        assertThat(chunks.get(1).getTokens()).containsExactly(11, 12, 13);
        assertThat(chunks.get(2).getTokens()).containsExactly(14, 15, 16, 17);
        assertThat(chunks.get(2).getLogprobs()).containsExactly(-2f, -2.5f, -3f, -3.5f);
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
        assertThat(chunks).extracting(TokenChunk::getSeq).containsExactly(0, 1, 2);
        assertThat(chunks.get(2).getTokens()).containsExactly(14, 15);
        assertThat(chunks.get(2).getFrameIndex()).isEqualTo(-1);
        assertThat(chunks.get(2).getFinal$()).isTrue();
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
        assertThat(after.nextSeq()).isEqualTo(2);
        got.addAll(feed(after, 6, 6));
        got.add(after.takeChunk(true, FinishReason.LENGTH, 3L));

        assertThat(got).usingRecursiveFieldByFieldElementComparatorIgnoringFields("emittedAtMs")
                .containsExactlyElementsOf(expected);
    }

    @Test
    void aSampleRestoredAtAnySizeCutsTheChunksAnUninterruptedOneCuts() {
        for (int perFrame : new int[] {1, 3, 4}) {
            SampleProgress uninterrupted = SampleProgress.fresh(META, request(12), perFrame);
            List<TokenChunk> expected = feed(uninterrupted, 0, 12);
            expected.add(uninterrupted.takeChunk(true, FinishReason.LENGTH, 3L));
            for (int at = 0; at < 12; at++) {
                SampleProgress before = SampleProgress.fresh(META, request(12), perFrame);
                List<TokenChunk> got = feed(before, 0, at);
                long[] versions = new long[at];
                java.util.Arrays.fill(versions, 3L);
                SampleProgress after = SampleProgress.restored(META,
                        new SampleState(request(12), before.tokens(), before.logprobs(), versions), perFrame);
                assertThat(after.nextSeq()).as("F=%d restored at %d", perFrame, at).isEqualTo(got.size());
                got.addAll(feed(after, at, 12 - at));
                got.add(after.takeChunk(true, FinishReason.LENGTH, 3L));
                assertThat(got).as("F=%d restored at %d", perFrame, at)
                        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("emittedAtMs")
                        .containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void tokensOutOfPositionAreAnError() {
        SampleProgress p = SampleProgress.fresh(META, request(12), 4);
        assertThatThrownBy(() -> p.append(1, 5, 0f, 0L)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("position 1");
    }
}
