package io.tessera.jobs.generation;

import io.tessera.generator.engine.SampleState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The K candidates of one returned best-of-N sample while they run: each finished candidate waits here for its
 * siblings (its tokens, logprobs, versions, finish reason and timings are checkpointed with the operator), and
 * when all K have finished the operator scores them and returns the best ({@link #choose}).
 */
final class CandidateGroup {

    /** A finished candidate: what the engine made and how it ended. */
    record Finished(SampleMeta meta, SampleState state, InFlightCodec.Finish finish) {
        Finished {
            Objects.requireNonNull(meta, "meta");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(finish, "finish");
        }
    }

    /** The returned sample (candidate 0's meta): requestId, sampleIndex, samples, bestOf. */
    final SampleMeta returned;
    private final Finished[] finished; // (bestOf) by candidate index; null while that candidate runs
    private int count;
    /** A cancel hit the group: the returned sample ends CANCELLED whichever candidate wins. */
    boolean cancelled;

    CandidateGroup(SampleMeta anyCandidate) {
        if (!anyCandidate.isCandidate()) {
            throw new IllegalArgumentException("sample " + anyCandidate.sampleId() + " is not a best-of candidate");
        }
        this.returned = anyCandidate.returned();
        this.finished = new Finished[anyCandidate.bestOf()];
    }

    /** Key of the group of a candidate: the returned sample's plain id, {@code requestId#index}. */
    static String key(SampleMeta meta) {
        return SampleMeta.sampleId(meta.requestId(), meta.sampleIndex());
    }

    void record(Finished f) {
        int c = f.meta().candidate();
        if (!key(f.meta()).equals(key(returned)) || f.meta().bestOf() != finished.length) {
            throw new IllegalArgumentException("candidate " + f.meta().sampleId() + " is not of group " + key(returned)
                    + " (bestOf " + finished.length + ")");
        }
        if (finished[c] != null) {
            throw new IllegalStateException("candidate " + f.meta().sampleId() + " finished twice");
        }
        finished[c] = f;
        count++;
    }

    boolean complete() {
        return count == finished.length;
    }

    /** Every candidate in index order; only once {@link #complete()}. */
    List<Finished> all() {
        if (!complete()) {
            throw new IllegalStateException("group " + key(returned) + " has " + count + " of " + finished.length
                    + " candidates");
        }
        return List.of(finished);
    }

    /** The candidates finished so far, in index order (what a checkpoint writes). */
    List<Finished> finishedSoFar() {
        List<Finished> out = new ArrayList<>(count);
        for (Finished f : finished) {
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    /**
     * The winner: the highest verifier total, ties to the lowest candidate index. A candidate that could not be
     * scored has total -infinity (NaN counts as that too), so when none was scored candidate 0 is returned.
     */
    static int choose(double[] totals) {
        if (totals.length == 0) {
            throw new IllegalArgumentException("no candidates");
        }
        int best = 0;
        double bestTotal = orMinusInfinity(totals[0]);
        for (int c = 1; c < totals.length; c++) {
            double t = orMinusInfinity(totals[c]);
            if (t > bestTotal) {
                best = c;
                bestTotal = t;
            }
        }
        return best;
    }

    private static double orMinusInfinity(double total) {
        return Double.isNaN(total) ? Double.NEGATIVE_INFINITY : total;
    }

    @Override
    public String toString() {
        return "CandidateGroup[" + key(returned) + ", " + count + "/" + finished.length + " finished"
                + (cancelled ? ", cancelled" : "") + ", " + Arrays.stream(finished).filter(Objects::nonNull).count()
                + " held]";
    }
}
