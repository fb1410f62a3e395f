package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwapGapsTest {

    static TokenChunk chunk(String request, int seq, long at, long version, boolean last) {
        return TokenChunk.newBuilder().setRequestId(request).setSampleIndex(0).setSeq(seq).setTask(Task.TEXT_TO_VIDEO)
                .setFirstPosition(seq).setFrameIndex(-1).setTokens(List.of(1)).setLogprobs(List.of(0f))
                .setPolicyVersion(version).setFinal$(last).setEmittedAtMs(at).build();
    }

    @Test
    void theExtraTimeOfTheGapAcrossAVersionChangeOverTheSamplesMedianGap() {
        SwapGaps gaps = new SwapGaps();
        // seq 0 at 0 (first token alone), then chunks 100 ms apart, a version change at seq 4 after 250 ms
        long[] at = {0, 40, 140, 240, 490, 590, 690, 700};
        long[] version = {1, 1, 1, 1, 2, 2, 2, 2};
        for (int seq = 0; seq < at.length; seq++) {
            gaps.observe(chunk("r", seq, at[seq], version[seq], seq == at.length - 1));
            if (seq == 3) {
                gaps.observe(chunk("r", 2, at[2], version[2], false)); // a repeat is ignored
            }
        }
        assertThat(gaps.swapCount()).isEqualTo(1);
        assertThat(gaps.medianUsualGapMs()).isEqualTo(100);
        assertThat(gaps.longestExtraMs()).isEqualTo(150);
        assertThat(gaps.percentileMs(true, 100)).isEqualTo(250);
        assertThat(gaps.percentileMs(false, 100)).isEqualTo(100);
        assertThat(gaps.summary()).contains("1 chunk gaps across a version change").contains("150 ms more");
    }

    @Test
    void noSwapNoExtra() {
        SwapGaps gaps = new SwapGaps();
        for (int seq = 0; seq < 5; seq++) {
            gaps.observe(chunk("q", seq, seq * 100L, 7, seq == 4));
        }
        assertThat(gaps.swapCount()).isZero();
        assertThat(gaps.longestExtraMs()).isZero();
    }
}
