package io.tessera.ingest.cli;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Reads Server-Sent Events from a text stream, as the HTML spec's event-stream parser does (minus retry). Public
 * for other Java clients of the gateway (and the gateway's own integration test).
 */
public final class SseReader {

    /** One dispatched event; {@code id} is null when the event had none. */
    public record Event(String id, String name, String data) {}

    private final BufferedReader in;

    public SseReader(BufferedReader in) {
        this.in = in;
    }

    /** The next event, or null at the end of the stream. Comments are skipped; events with no data too. */
    public Event next() throws IOException {
        String id = null;
        String name = null;
        StringBuilder data = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(id, name == null ? "message" : name, data.toString());
                }
                id = null;
                name = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> name = value;
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value);
                    } else {
                        data.append('\n').append(value);
                    }
                }
                default -> { } // retry and unknown fields are ignored
            }
        }
        return null;
    }
}
