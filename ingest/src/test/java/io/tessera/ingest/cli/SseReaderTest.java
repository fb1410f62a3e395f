package io.tessera.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    @Test
    void readsEventsSkipsCommentsAndJoinsDataLines() throws Exception {
        String stream = ": events of r\n\n"
                + "id: 0\nevent: token\ndata: {\"seq\":0}\n\n"
                + ": keep-alive\n\n"
                + "id: 1\nevent: frame\ndata: a\ndata: b\n\n"
                + "data:no-space\n\n"
                + "event: done\nid: 2\ndata: {}\n";
        SseReader r = new SseReader(new BufferedReader(new StringReader(stream)));
        assertThat(r.next()).isEqualTo(new SseReader.Event("0", "token", "{\"seq\":0}"));
        assertThat(r.next()).isEqualTo(new SseReader.Event("1", "frame", "a\nb"));
        assertThat(r.next()).isEqualTo(new SseReader.Event(null, "message", "no-space"));
        assertThat(r.next()).as("an event without its blank line is not dispatched").isNull();
    }
}
