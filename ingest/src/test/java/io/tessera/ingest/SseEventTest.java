package io.tessera.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseEventTest {

    @Test
    void eventHasIdNameAndOneDataLinePerLineThenABlankLine() {
        SseEvent e = new SseEvent(7, "token", "{\"seq\":0}");
        assertThat(new String(e.wire(), StandardCharsets.UTF_8))
                .isEqualTo("id: 7\nevent: token\ndata: {\"seq\":0}\n\n");
        assertThat(e.size()).isEqualTo(e.wire().length);
        assertThat(e.terminal()).isFalse();
    }

    @Test
    void multiLineDataIsSplitSoNoLineBreaksTheFraming() {
        assertThat(SseEvent.format(1, "x", "a\nb\r\nc\rd"))
                .isEqualTo("id: 1\nevent: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
    }

    @Test
    void perClientEventsHaveNoIdAndEndTheStream() {
        SseEvent e = new SseEvent(-1, SseEvent.ERROR, "{\"error\":\"slow\"}");
        assertThat(new String(e.wire(), StandardCharsets.UTF_8))
                .isEqualTo("event: error\ndata: {\"error\":\"slow\"}\n\n");
        assertThat(e.terminal()).isTrue();
        assertThat(new SseEvent(3, SseEvent.DONE, "{}").terminal()).isTrue();
    }

    @Test
    void commentsCannotInjectFields() {
        assertThat(new String(SseEvent.comment("keep\nalive"), StandardCharsets.UTF_8)).isEqualTo(": keep alive\n\n");
    }

    @Test
    void tokenJsonCarriesTheChunkIdentityAndIds() {
        String json = EventJson.token(Records.token("r1", 1, 2, 0, true));
        assertThat(json).contains("\"requestId\":\"r1\"", "\"sampleIndex\":1", "\"seq\":2", "\"frameIndex\":0",
                "\"count\":3", "\"tokens\":[102,202,302]", "\"policyVersion\":3", "\"final\":true",
                "\"finishReason\":\"LENGTH\"");
    }
}
