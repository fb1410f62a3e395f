package io.tessera.ingest.status;

import io.tessera.ingest.status.GenerationStatus.SampleStatus;
import io.tessera.ingest.status.GenerationStatus.State;
import io.tessera.records.Cancel;
import io.tessera.records.DeadLetter;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.Reward;
import io.tessera.records.TokenChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * How each record changes a request's status: pure functions of (old status or null, record, record time). Records
 * of different topics may come in any order, so every function only adds what it knows: counters take the
 * maximum, the first final state wins, and a record that arrives after a final state still fills in its details
 * (frames, timings, rewards) without changing the state.
 */
final class Transitions {

    private Transitions() {}

    static GenerationStatus request(GenerationStatus old, GenerationRequest r, long ts) {
        Draft d = Draft.of(old, r.getRequestId(), ts);
        d.tenant = r.getTenant();
        d.task = r.getTask().name();
        d.samples = Math.max(1, r.getSampling().getSamples());
        d.framesPerSample = Math.max(0, r.getSampling().getFrames());
        d.createdAtMs = r.getCreatedAtMs() > 0 ? r.getCreatedAtMs() : ts;
        for (int i = 0; i < d.samples; i++) {
            d.sample(i);
        }
        return d.settle();
    }

    static GenerationStatus tokens(GenerationStatus old, TokenChunk c, long ts) {
        Draft d = Draft.of(old, c.getRequestId(), ts);
        if (d.task == null) {
            d.task = c.getTask().name();
        }
        if (d.state == State.QUEUED) {
            d.state = State.GENERATING;
        }
        SampleDraft s = d.sample(c.getSampleIndex());
        if (c.getFrameIndex() >= 0) {
            s.framesDone = Math.max(s.framesDone, c.getFrameIndex() + 1);
        }
        s.policyVersion = max(s.policyVersion, c.getPolicyVersion());
        d.policyVersion = max(d.policyVersion, c.getPolicyVersion());
        long emitted = c.getEmittedAtMs() > 0 ? c.getEmittedAtMs() : ts;
        d.firstTokenAtMs = d.firstTokenAtMs == null ? emitted : Math.min(d.firstTokenAtMs, emitted);
        return d.settle();
    }

    static GenerationStatus completed(GenerationStatus old, GenerationCompleted g, long ts) {
        Draft d = Draft.of(old, g.getRequestId(), ts);
        if (d.tenant == null) {
            d.tenant = g.getTenant();
        }
        if (d.task == null) {
            d.task = g.getTask().name();
        }
        d.samples = Math.max(d.samples, Math.max(g.getSamples(), g.getSampleIndex() + 1));
        SampleDraft s = d.sample(g.getSampleIndex());
        s.done = true;
        s.finishReason = g.getFinishReason().name();
        s.policyVersion = max(s.policyVersion, g.getPolicyVersion());
        s.tokens = g.getTokens().size();
        s.timeToFirstTokenMs = g.getTimeToFirstTokenMs();
        s.totalMs = g.getTotalMs();
        if (g.getFinishReason() == FinishReason.LENGTH && d.framesPerSample > 0) {
            s.framesDone = Math.max(s.framesDone, d.framesPerSample);
        }
        d.policyVersion = max(d.policyVersion, g.getPolicyVersion());
        d.queuedMs = min(d.queuedMs, g.getQueuedMs());
        d.timeToFirstTokenMs = min(d.timeToFirstTokenMs, g.getTimeToFirstTokenMs());
        d.totalMs = d.totalMs == null ? g.getTotalMs() : Math.max(d.totalMs, g.getTotalMs());
        if (d.state == State.QUEUED) {
            d.state = State.GENERATING;
        }
        return d.settle();
    }

    static GenerationStatus reward(GenerationStatus old, Reward r, long ts) {
        Draft d = Draft.of(old, r.getRequestId(), ts);
        d.sample(r.getSampleIndex()).reward = r.getTotal();
        return d.settle();
    }

    static GenerationStatus cancel(GenerationStatus old, Cancel c, long ts) {
        Draft d = Draft.of(old, c.getRequestId(), ts);
        if (d.tenant == null) {
            d.tenant = c.getTenant();
        }
        d.end(State.CANCELLED, c.getReason().isEmpty() ? "cancelled" : c.getReason());
        return d.settle();
    }

    static GenerationStatus deadLetter(GenerationStatus old, String requestId, DeadLetter dl, long ts) {
        Draft d = Draft.of(old, requestId, ts);
        d.deadLetters++;
        d.end(State.FAILED, dl.getStage() + ": " + dl.getReason());
        return d.settle();
    }

    static boolean isActive(GenerationStatus s) {
        return s != null && !s.state().isFinal();
    }

    private static Long max(Long a, long b) {
        return a == null ? b : Math.max(a, b);
    }

    private static Long min(Long a, long b) {
        if (b <= 0) {
            return a;  // 0 is the schema default: unknown
        }
        return a == null ? b : Math.min(a, b);
    }

    /** A status being changed. */
    private static final class Draft {
        String requestId;
        State state = State.QUEUED;
        String tenant;
        String task;
        int samples;
        int framesPerSample;
        final TreeMap<Integer, SampleDraft> sampleDrafts = new TreeMap<>();
        Long policyVersion;
        Long createdAtMs;
        Long firstTokenAtMs;
        Long endedAtMs;
        Long updatedAtMs;
        Long queuedMs;
        Long timeToFirstTokenMs;
        Long totalMs;
        String reason;
        int deadLetters;
        long now;

        static Draft of(GenerationStatus s, String requestId, long ts) {
            Draft d = new Draft();
            d.now = ts;
            d.requestId = requestId;
            if (s == null) {
                return d;
            }
            d.state = s.state();
            d.tenant = s.tenant();
            d.task = s.task();
            d.samples = s.samples();
            d.framesPerSample = s.framesPerSample();
            for (SampleStatus x : s.sampleStatus()) {
                SampleDraft sd = new SampleDraft();
                sd.framesDone = x.framesDone();
                sd.done = x.done();
                sd.finishReason = x.finishReason();
                sd.policyVersion = x.policyVersion();
                sd.tokens = x.tokens();
                sd.timeToFirstTokenMs = x.timeToFirstTokenMs();
                sd.totalMs = x.totalMs();
                sd.reward = x.reward();
                d.sampleDrafts.put(x.index(), sd);
            }
            d.policyVersion = s.policyVersion();
            d.createdAtMs = s.createdAtMs();
            d.firstTokenAtMs = s.firstTokenAtMs();
            d.endedAtMs = s.endedAtMs();
            d.updatedAtMs = s.updatedAtMs();
            d.queuedMs = s.queuedMs();
            d.timeToFirstTokenMs = s.timeToFirstTokenMs();
            d.totalMs = s.totalMs();
            d.reason = s.reason();
            d.deadLetters = s.deadLetters();
            return d;
        }

        SampleDraft sample(int index) {
            return sampleDrafts.computeIfAbsent(Math.max(0, index), i -> new SampleDraft());
        }

        /** The first final state wins. */
        void end(State s, String why) {
            if (!state.isFinal()) {
                state = s;
                reason = why;
                endedAtMs = now;
            }
        }

        /** Derives what follows from the samples (done when all finished) and freezes the draft. */
        GenerationStatus settle() {
            if (!state.isFinal() && samples > 0 && sampleDrafts.size() >= samples) {
                int done = 0;
                String failure = null;
                boolean cancelled = false;
                for (var e : sampleDrafts.entrySet()) {
                    SampleDraft s = e.getValue();
                    if (!s.done) {
                        continue;
                    }
                    done++;
                    if ("ERROR".equals(s.finishReason) || "DEADLINE".equals(s.finishReason)) {
                        failure = failure != null ? failure
                                : "sample " + e.getKey() + " stopped with " + s.finishReason;
                    } else if ("CANCELLED".equals(s.finishReason)) {
                        cancelled = true;
                    }
                }
                if (done >= samples) {
                    if (failure != null) {
                        end(State.FAILED, failure);
                    } else if (cancelled) {
                        end(State.CANCELLED, "cancelled by the generator");
                    } else {
                        end(State.DONE, null);
                    }
                }
            }
            List<SampleStatus> list = new ArrayList<>();
            double rewardSum = 0;
            int rewarded = 0;
            for (var e : sampleDrafts.entrySet()) {
                SampleDraft s = e.getValue();
                list.add(new SampleStatus(e.getKey(), s.framesDone, framesPerSample, s.done, s.finishReason,
                        s.policyVersion, s.tokens, s.timeToFirstTokenMs, s.totalMs, s.reward));
                if (s.reward != null) {
                    rewardSum += s.reward;
                    rewarded++;
                }
            }
            Double reward = rewarded == 0 ? null : rewardSum / rewarded;
            updatedAtMs = updatedAtMs == null ? now : Math.max(updatedAtMs, now);
            return new GenerationStatus(requestId, state, tenant, task, samples, framesPerSample, list,
                    policyVersion, createdAtMs, firstTokenAtMs, endedAtMs, updatedAtMs, queuedMs,
                    timeToFirstTokenMs, totalMs, reward, reason, deadLetters);
        }
    }

    private static final class SampleDraft {
        int framesDone;
        boolean done;
        String finishReason;
        Long policyVersion;
        Integer tokens;
        Long timeToFirstTokenMs;
        Long totalMs;
        Double reward;
    }
}
