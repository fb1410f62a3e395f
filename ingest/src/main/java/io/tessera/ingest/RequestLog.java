package io.tessera.ingest;

import io.tessera.records.FinishReason;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the hub knows of one request: its recent events (the replay buffer, oldest dropped first past a byte
 * bound), the next event id, which chunks were already seen (duplicates are dropped by chunk identity), each
 * sample's progress towards {@code done}, and the live subscribers. Guarded by the hub's lock.
 */
final class RequestLog {

    /** Progress of one sample. */
    static final class SampleProgress {
        final BitSet tokenSeqs = new BitSet();
        final BitSet frames = new BitSet();
        final BitSet audio = new BitSet();
        boolean finalToken;
        boolean finalMedia;
        FinishReason completed; // null until GenerationCompleted arrives

        /**
         * Finished: final token chunk and GenerationCompleted seen, and the final media chunk too unless the sample
         * stopped abnormally (cancelled, deadline, error), after which the decoder may have nothing to emit.
         */
        boolean finished() {
            if (!finalToken || completed == null) {
                return false;
            }
            return finalMedia || !(completed == FinishReason.LENGTH || completed == FinishReason.END_OF_SEQUENCE
                    || completed == FinishReason.UNKNOWN);
        }
    }

    final String requestId;
    final ArrayDeque<SseEvent> events = new ArrayDeque<>();
    final List<Subscriber> subscribers = new ArrayList<>();
    final Map<Integer, SampleProgress> samples = new HashMap<>();
    long bytes;
    long nextId;
    /** Samples this request has; 0 while unknown (not posted here and no GenerationCompleted yet). */
    int expectedSamples;
    boolean done;
    /** The hub told its finished listener about this request. */
    boolean finishNotified;

    RequestLog(String requestId) {
        this.requestId = requestId;
    }

    SampleProgress sample(int index) {
        return samples.computeIfAbsent(index, i -> new SampleProgress());
    }

    /** Every sample has its GenerationCompleted (whatever the reason), the sample count being known. */
    boolean allCompleted() {
        if (expectedSamples <= 0) {
            return false;
        }
        for (int i = 0; i < expectedSamples; i++) {
            SampleProgress p = samples.get(i);
            if (p == null || p.completed == null) {
                return false;
            }
        }
        return true;
    }

    boolean allFinished() {
        if (expectedSamples <= 0) {
            return false;
        }
        for (int i = 0; i < expectedSamples; i++) {
            SampleProgress p = samples.get(i);
            if (p == null || !p.finished()) {
                return false;
            }
        }
        return true;
    }
}
