package io.tessera.ingest.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;

/**
 * Where one request stands, as the status store holds it (key: request id) and {@code GET /v1/generations/{id}}
 * shows it. Built from every topic the request touches; fields are null until the record that carries them has
 * been seen (records of different topics may arrive in any order).
 *
 * @param requestId          the request
 * @param state              see {@link State}
 * @param tenant             the tenant that published it (from the request, the completion or the cancel)
 * @param task               the task name (e.g. {@code TEXT_TO_VIDEO})
 * @param samples            samples asked for (0 until known)
 * @param framesPerSample    frames asked for per sample (0 until known)
 * @param sampleStatus       one entry per sample seen, by index: frame k of n, done, reward
 * @param policyVersion      the newest policy version that sampled tokens of this request
 * @param createdAtMs        when the publisher created the request (epoch ms)
 * @param firstTokenAtMs     when the first token chunk was emitted
 * @param endedAtMs          when the request reached a final state (record time)
 * @param updatedAtMs        record time of the last change
 * @param queuedMs           arrival to first decode step (the fastest sample)
 * @param timeToFirstTokenMs arrival to first token (the fastest sample)
 * @param totalMs            arrival to last token (the slowest sample)
 * @param reward             mean reward of the scored samples
 * @param reason             why the request failed or was cancelled
 * @param deadLetters        dead letters naming this request
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerationStatus(
        String requestId,
        State state,
        String tenant,
        String task,
        int samples,
        int framesPerSample,
        List<SampleStatus> sampleStatus,
        Long policyVersion,
        Long createdAtMs,
        Long firstTokenAtMs,
        Long endedAtMs,
        Long updatedAtMs,
        Long queuedMs,
        Long timeToFirstTokenMs,
        Long totalMs,
        Double reward,
        String reason,
        int deadLetters) {

    /** A request's life: QUEUED -> GENERATING -> one of DONE, CANCELLED, FAILED (final states never change). */
    public enum State {
        /** Published; no token yet. */
        QUEUED,
        /** Tokens are being sampled. */
        GENERATING,
        /** Every sample finished normally. */
        DONE,
        /** A cancel was published before it finished, or a sample stopped as CANCELLED. */
        CANCELLED,
        /** A dead letter named it, or a sample stopped with ERROR or DEADLINE. */
        FAILED;

        public boolean isFinal() {
            return this == DONE || this == CANCELLED || this == FAILED;
        }
    }

    /**
     * One sample of the request.
     *
     * @param index              sample index
     * @param framesDone         frames whose tokens are complete (k of n)
     * @param framesTotal        frames asked for (0 until the request is seen)
     * @param done               its GenerationCompleted has been seen
     * @param finishReason       why it stopped (when done)
     * @param policyVersion      policy version of its newest tokens
     * @param tokens             tokens generated (when done)
     * @param timeToFirstTokenMs from its completion record
     * @param totalMs            from its completion record
     * @param reward             its reward total when scored
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SampleStatus(int index, int framesDone, int framesTotal, boolean done, String finishReason,
                               Long policyVersion, Integer tokens, Long timeToFirstTokenMs, Long totalMs,
                               Double reward) {}

    public GenerationStatus {
        sampleStatus = sampleStatus == null ? List.of() : List.copyOf(sampleStatus);
    }

    /** Frames done over every sample. */
    public int framesDone() {
        return sampleStatus.stream().mapToInt(SampleStatus::framesDone).sum();
    }

    /** One line for people, e.g. {@code GENERATING frame 5 of 16 (policy v3)}. */
    public String summary() {
        StringBuilder sb = new StringBuilder(state.name());
        int total = samples * framesPerSample;
        if (state == State.GENERATING && total > 0) {
            sb.append(" frame ").append(framesDone()).append(" of ").append(total);
        }
        if (policyVersion != null) {
            sb.append(" (policy v").append(policyVersion).append(')');
        }
        if (reward != null) {
            sb.append(String.format(java.util.Locale.ROOT, ", reward %.3f", reward));
        }
        if (reason != null && !reason.isEmpty()) {
            sb.append(": ").append(reason);
        }
        return sb.toString();
    }

    /** This status as one line of JSON (null fields left out). */
    public String toJson() {
        try {
            return StatusJson.MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a GenerationStatus as JSON", e);
        }
    }

    /** Reads {@link #toJson()} back; unknown fields are ignored, so newer writers stay readable. */
    public static GenerationStatus fromJson(String json) {
        try {
            return StatusJson.MAPPER.readValue(json, GenerationStatus.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a GenerationStatus: " + e.getOriginalMessage(), e);
        }
    }
}
