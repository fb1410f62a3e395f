package io.tessera.ingest.status;

import java.util.ArrayList;
import java.util.List;

/**
 * A fixed-bucket latency histogram as a {@code long[]}: {@code [count, sumMs, b_0 .. b_n]}, where bucket i counts
 * values in {@code (BOUNDS[i-1], BOUNDS[i]]} and the last bucket everything above the last bound. Bounds grow by
 * 25 % from 1 ms to 15 minutes, so a quantile read as its bucket's upper bound is at most 25 % high. Fixed bounds
 * make histograms of windows and of stream tasks add up bucket by bucket.
 */
final class LatencyHistogram {

    /** Upper bounds of the buckets, ms. */
    static final long[] BOUNDS = bounds();
    static final int COUNT = 0;
    static final int SUM = 1;
    static final int FIRST_BUCKET = 2;
    static final int LENGTH = FIRST_BUCKET + BOUNDS.length + 1;

    private LatencyHistogram() {}

    private static long[] bounds() {
        List<Long> b = new ArrayList<>();
        long v = 1;
        while (v <= 15 * 60_000L) {
            b.add(v);
            v = Math.max(v + 1, Math.round(v * 1.25));
        }
        return b.stream().mapToLong(Long::longValue).toArray();
    }

    static long[] empty() {
        return new long[LENGTH];
    }

    static int bucketOf(long ms) {
        int lo = 0;
        int hi = BOUNDS.length;  // BOUNDS.length is the overflow bucket
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (BOUNDS[mid] >= ms) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** Adds one value (negative values count as 0). Returns {@code h}. */
    static long[] add(long[] h, long ms) {
        long v = Math.max(0, ms);
        h[COUNT]++;
        h[SUM] += v;
        h[FIRST_BUCKET + bucketOf(v)]++;
        return h;
    }

    /** {@code into += other}, bucket by bucket. */
    static long[] merge(long[] into, long[] other) {
        for (int i = 0; i < LENGTH && i < other.length; i++) {
            into[i] += other[i];
        }
        return into;
    }

    /** The q-quantile (0 < q <= 1) as its bucket's upper bound; 0 when empty. */
    static double quantile(long[] h, double q) {
        long n = h[COUNT];
        if (n == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * n);
        long seen = 0;
        for (int i = 0; i <= BOUNDS.length; i++) {
            seen += h[FIRST_BUCKET + i];
            if (seen >= rank) {
                return i < BOUNDS.length ? BOUNDS[i] : BOUNDS[BOUNDS.length - 1];
            }
        }
        return BOUNDS[BOUNDS.length - 1];
    }

    static double mean(long[] h) {
        return h[COUNT] == 0 ? 0 : (double) h[SUM] / h[COUNT];
    }
}
