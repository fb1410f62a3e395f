package io.tessera.jobs.generation;

import java.io.Serializable;
import java.time.Duration;

/**
 * How long an idle engine waits before its first step, so that a burst of requests is prefilled in one batch
 * instead of the first request's step (a prefill of ~100-200 ms on CPU) holding up the rest: the window closes
 * once no request has arrived for {@code quietMs}, and at the latest {@code longestMs} after it opened. A lone
 * request waits only {@code quietMs}; the records of a burst, which reach the operator a few ms apart (one Kafka
 * fetch per partition, one network hop per record), keep the window open until the last of them is in.
 *
 * @param longestMs the longest wait after the first request (0: no window, step at once)
 * @param quietMs   the window closes once no request has arrived for this long (at most {@code longestMs})
 */
public record BatchWindow(long longestMs, long quietMs) implements Serializable {

    /** No window: the first step is queued at once. */
    public static final BatchWindow NONE = new BatchWindow(0, 0);

    public BatchWindow {
        if (longestMs < 0 || quietMs < 0) {
            throw new IllegalArgumentException("batch window times must be >= 0, got longest " + longestMs
                    + " ms and quiet " + quietMs + " ms");
        }
        quietMs = Math.min(quietMs, longestMs);
    }

    public static BatchWindow of(Duration longest, Duration quiet) {
        return new BatchWindow(longest.toMillis(), quiet.toMillis());
    }

    public boolean enabled() {
        return longestMs > 0;
    }

    /** When the window that opened at {@code openedAt}, with its latest arrival at {@code lastArrivalAt}, closes. */
    public long closesAt(long openedAt, long lastArrivalAt) {
        return Math.min(openedAt + longestMs, lastArrivalAt + quietMs);
    }
}
