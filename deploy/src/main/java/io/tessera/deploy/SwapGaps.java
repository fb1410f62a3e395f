package io.tessera.deploy;

import io.tessera.records.TokenChunk;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a policy swap costs the samples that live through it, seen from the consumer of {@code tessera.tokens}:
 * per sample, the gap between consecutive chunks' {@code emittedAtMs}; a gap across which the policy version
 * changed is a swap gap, and its extra time is that gap minus the sample's median gap. Chunks are consumed in
 * seq order per sample (one partition per request); repeats are ignored. The first gap of a sample (after the
 * first token alone) and the final chunk (possibly a partial frame) are left out of the usual gaps.
 */
final class SwapGaps {

    private record Last(int seq, long emittedAtMs, long version) {}

    private final Map<String, Last> last = new HashMap<>();
    private final Map<String, List<Long>> usual = new HashMap<>();
    private final Map<String, List<Long>> swaps = new HashMap<>();

    void observe(TokenChunk c) {
        String sample = c.getRequestId() + "#" + c.getSampleIndex();
        Last before = last.get(sample);
        if (before != null && c.getSeq() <= before.seq()) {
            return; // a repeat after a restart
        }
        last.put(sample, new Last(c.getSeq(), c.getEmittedAtMs(), c.getPolicyVersion()));
        if (before == null || c.getSeq() != before.seq() + 1 || before.seq() == 0) {
            return;
        }
        long gap = c.getEmittedAtMs() - before.emittedAtMs();
        if (c.getPolicyVersion() != before.version()) {
            swaps.computeIfAbsent(sample, k -> new ArrayList<>()).add(gap);
        } else if (!c.getFinal$()) {
            usual.computeIfAbsent(sample, k -> new ArrayList<>()).add(gap);
        }
    }

    /** Chunk gaps across which a sample's policy version changed. */
    int swapCount() {
        return swaps.values().stream().mapToInt(List::size).sum();
    }

    /** The largest extra time of a swap gap over its sample's median chunk gap, ms (0 without swaps). */
    long longestExtraMs() {
        long worst = 0;
        for (Map.Entry<String, List<Long>> e : swaps.entrySet()) {
            List<Long> own = usual.get(e.getKey());
            if (own == null || own.isEmpty()) {
                continue; // no usual gap to compare with
            }
            long median = median(own);
            for (long gap : e.getValue()) {
                worst = Math.max(worst, gap - median);
            }
        }
        return worst;
    }

    /** Median of every sample's usual chunk gaps, ms. */
    long medianUsualGapMs() {
        return percentile(usual, 50);
    }

    /** The {@code p}-th percentile (nearest rank) of the usual gaps ({@code swap} false) or the swap gaps, ms. */
    long percentileMs(boolean swap, int p) {
        return percentile(swap ? swaps : usual, p);
    }

    /** One line: usual and swap chunk gaps side by side (p50 / p95 / max) and the longest extra. */
    String summary() {
        return String.format("%d chunk gaps across a version change: p50 %d / p95 %d / max %d ms, against %d usual"
                        + " gaps: p50 %d / p95 %d / max %d ms; the longest swap gap took %d ms more than its sample's"
                        + " median gap", swapCount(), percentileMs(true, 50), percentileMs(true, 95),
                percentileMs(true, 100), usual.values().stream().mapToInt(List::size).sum(),
                percentileMs(false, 50), percentileMs(false, 95), percentileMs(false, 100), longestExtraMs());
    }

    private static long percentile(Map<String, List<Long>> gaps, int p) {
        List<Long> all = new ArrayList<>();
        gaps.values().forEach(all::addAll);
        if (all.isEmpty()) {
            return 0;
        }
        List<Long> sorted = all.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
