package io.tessera.ingest.status;

import io.tessera.ingest.status.Figures.LatencyPoint;
import io.tessera.ingest.status.Figures.Point;
import io.tessera.ingest.status.Figures.RewardPoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * Reads {@link Figures} from the topology's stores (through interactive queries, or {@code TopologyTestDriver}'s
 * stores in tests): every store is keyed by stream task, so each series adds the tasks up window by window.
 */
final class FiguresQuery {

    /** The most windows one answer holds, whatever the lookback. */
    static final int MAX_WINDOWS = 2_000;

    /** The topology's stores as the queries see them. */
    record Stores(ReadOnlyKeyValueStore<String, Long> gauges, ReadOnlyKeyValueStore<String, long[]> rewards,
                  ReadOnlyWindowStore<String, Long> tokens, ReadOnlyWindowStore<String, Long> deadLetters,
                  ReadOnlyWindowStore<String, Long> active, ReadOnlyWindowStore<String, long[]> ttft) {}

    private FiguresQuery() {}

    static Figures figures(Stores s, Duration window, Duration retention, long nowMs, Duration lookback) {
        if (lookback == null || lookback.isNegative() || lookback.isZero()) {
            throw new IllegalArgumentException("lookback must be a positive duration, got " + lookback);
        }
        long w = window.toMillis();
        long span = Math.min(Math.min(lookback.toMillis(), retention.toMillis()), w * MAX_WINDOWS);
        long last = nowMs - Math.floorMod(nowMs, w);
        long first = Math.max(0, last - (Math.max(1, span / w) - 1) * w);
        int n = (int) ((last - first) / w) + 1;

        double[] tokens = new double[n];
        sumWindows(s.tokens(), first, last, w, (i, v) -> tokens[i] += v);
        double[] dlq = new double[n];
        sumWindows(s.deadLetters(), first, last, w, (i, v) -> dlq[i] += v);
        long[][] hist = new long[n][];
        try (KeyValueIterator<Windowed<String>, long[]> it = s.ttft().fetchAll(Instant.ofEpochMilli(first),
                Instant.ofEpochMilli(last))) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, long[]> kv = it.next();
                int i = (int) ((kv.key.window().start() - first) / w);
                if (i >= 0 && i < n) {
                    hist[i] = LatencyHistogram.merge(hist[i] == null ? LatencyHistogram.empty() : hist[i], kv.value);
                }
            }
        }
        // Active requests: each task's last value at or before each window (a quiet task keeps its count).
        Map<String, TreeMap<Long, Long>> byTask = new HashMap<>();
        try (KeyValueIterator<Windowed<String>, Long> it = s.active().fetchAll(
                Instant.ofEpochMilli(Math.max(0, first - retention.toMillis())), Instant.ofEpochMilli(last))) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, Long> kv = it.next();
                byTask.computeIfAbsent(kv.key.key(), k -> new TreeMap<>()).put(kv.key.window().start(), kv.value);
            }
        }

        List<Point> tps = new ArrayList<>(n);
        List<Point> dl = new ArrayList<>(n);
        List<Point> act = new ArrayList<>(n);
        List<LatencyPoint> lat = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long start = first + i * w;
            tps.add(new Point(start, tokens[i] * 1000.0 / w));
            dl.add(new Point(start, dlq[i]));
            long a = 0;
            for (TreeMap<Long, Long> m : byTask.values()) {
                Map.Entry<Long, Long> e = m.floorEntry(start);
                a += e == null ? 0 : e.getValue();
            }
            act.add(new Point(start, a));
            long[] h = hist[i] == null ? LatencyHistogram.empty() : hist[i];
            lat.add(new LatencyPoint(start, h[LatencyHistogram.COUNT], LatencyHistogram.quantile(h, 0.5),
                    LatencyHistogram.quantile(h, 0.99), LatencyHistogram.mean(h)));
        }

        TreeMap<Long, double[]> rewards = new TreeMap<>();
        try (KeyValueIterator<String, long[]> it = s.rewards().all()) {
            while (it.hasNext()) {
                KeyValue<String, long[]> kv = it.next();
                long version = Long.parseLong(kv.key.substring(kv.key.lastIndexOf('|') + 1));
                double[] acc = rewards.computeIfAbsent(version, v -> new double[2]);
                acc[0] += kv.value[0];
                acc[1] += Double.longBitsToDouble(kv.value[1]);
            }
        }
        List<RewardPoint> rp = new ArrayList<>();
        rewards.forEach((v, acc) -> rp.add(new RewardPoint(v, (long) acc[0], acc[0] == 0 ? 0 : acc[1] / acc[0])));

        long activeNow = 0;
        Map<String, Long> undecodable = new TreeMap<>();
        try (KeyValueIterator<String, Long> it = s.gauges().all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                String name = kv.key.substring(kv.key.indexOf('|') + 1);
                if (name.equals(StatusProcessor.ACTIVE)) {
                    activeNow += kv.value;
                } else if (name.startsWith(StatusProcessor.UNDECODABLE)) {
                    undecodable.merge(name.substring(StatusProcessor.UNDECODABLE.length()), kv.value, Long::sum);
                }
            }
        }
        return new Figures(w, first, last + w, tps, lat, dl, act, rp, activeNow, undecodable);
    }

    private interface Sink {
        void add(int index, long value);
    }

    private static void sumWindows(ReadOnlyWindowStore<String, Long> store, long first, long last, long w,
                                   Sink sink) {
        try (KeyValueIterator<Windowed<String>, Long> it = store.fetchAll(Instant.ofEpochMilli(first),
                Instant.ofEpochMilli(last))) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, Long> kv = it.next();
                long i = (kv.key.window().start() - first) / w;
                if (i >= 0 && i <= (last - first) / w) {
                    sink.add((int) i, kv.value);
                }
            }
        }
    }
}
