package io.tessera.ingest;

import java.nio.charset.StandardCharsets;

/**
 * One Server-Sent Event, encoded once and shared by every subscriber and the replay buffer. {@code id} is the
 * event's sequence number within its request (dense from 0), or -1 for events that are not part of the request's
 * stream (a per-client {@code error}).
 */
final class SseEvent {

    static final String TOKEN = "token";
    static final String FRAME = "frame";
    static final String AUDIO = "audio";
    static final String COMPLETED = "completed";
    static final String DONE = "done";
    /** The request was dead-lettered (refused or dropped by a job): why and where; {@code done} follows. */
    static final String FAILED = "failed";
    static final String ERROR = "error";
    /** Not part of the request's stream: tells a resuming client that events it asked for are gone. */
    static final String GAP = "gap";

    private final long id;
    private final String name;
    private final String data;
    private final byte[] wire;

    SseEvent(long id, String name, String data) {
        this.id = id;
        this.name = name;
        this.data = data;
        this.wire = format(id, name, data).getBytes(StandardCharsets.UTF_8);
    }

    long id() {
        return id;
    }

    String name() {
        return name;
    }

    String data() {
        return data;
    }

    /** The event as it goes on the wire: {@code id:}, {@code event:}, one {@code data:} line per line, a blank line. */
    byte[] wire() {
        return wire;
    }

    /** Bytes this event holds in memory (what the replay and queue limits count). */
    int size() {
        return wire.length;
    }

    /** The last event of a stream: after it the server closes the response. */
    boolean terminal() {
        return name.equals(DONE) || name.equals(ERROR);
    }

    static String format(long id, String name, String data) {
        StringBuilder sb = new StringBuilder(data.length() + 32);
        if (id >= 0) {
            sb.append("id: ").append(id).append('\n');
        }
        sb.append("event: ").append(name).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        return sb.append('\n').toString();
    }

    /** An SSE comment line (ignored by clients; keeps proxies and idle timers from closing the stream). */
    static byte[] comment(String text) {
        return (": " + text.replaceAll("[\r\n]+", " ") + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "SseEvent[" + id + " " + name + " " + size() + " B]";
    }
}
