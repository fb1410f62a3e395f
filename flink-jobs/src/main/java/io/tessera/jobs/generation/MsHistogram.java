package io.tessera.jobs.generation;

import java.util.Locale;

/**
 * Durations in whole milliseconds, 0 to {@value #LAST_BUCKET} (longer ones count in the last bucket), for
 * quantiles over a job of any length in fixed memory. Not thread-safe: one writer, the task thread.
 */
final class MsHistogram {
    static final int LAST_BUCKET = 1000;

    private final long[] counts = new long[LAST_BUCKET + 1];
    private long total;
    private double max;

    void add(double ms) {
        counts[(int) Math.min(LAST_BUCKET, Math.max(0, Math.floor(ms)))]++;
        total++;
        max = Math.max(max, ms);
    }

    long count() {
        return total;
    }

    double max() {
        return max;
    }

    /** The q-quantile's bucket, as its upper bound in ms: at least a share q of the durations are below it. */
    long quantileBelowMs(double q) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int ms = 0; ms < counts.length; ms++) {
            seen += counts[ms];
            if (seen >= rank) {
                return ms + 1;
            }
        }
        return counts.length; // not reached: the counts sum to total
    }

    /** "n: p50 < a / p99 < b / max c ms". */
    String summary() {
        return String.format(Locale.ROOT, "%d: p50 < %d / p99 < %d / max %.1f ms", total, quantileBelowMs(0.5),
                quantileBelowMs(0.99), max);
    }
}
