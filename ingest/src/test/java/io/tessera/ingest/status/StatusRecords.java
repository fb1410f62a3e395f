package io.tessera.ingest.status;

import io.tessera.records.Cancel;
import io.tessera.records.DeadLetter;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.Reward;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Records of every topic the status topology reads, as the gateway and the jobs write them. */
final class StatusRecords {

    private StatusRecords() {}

    static GenerationRequest request(String id, String tenant, int frames, int samples, long createdAtMs) {
        return GenerationRequest.newBuilder()
                .setRequestId(id).setTask(Task.TEXT_TO_VIDEO).setPrompt("a red circle").setTenant(tenant)
                .setSampling(SamplingParams.newBuilder().setFrames(frames).setSamples(samples).setSeed(7).build())
                .setCreatedAtMs(createdAtMs)
                .build();
    }

    /** A chunk of {@code tokens} tokens completing frame {@code frameIndex} (-1: none). */
    static TokenChunk tokens(String id, int sample, int seq, int frameIndex, int tokens, long policy, long atMs) {
        return TokenChunk.newBuilder()
                .setRequestId(id).setSampleIndex(sample).setSeq(seq).setTask(Task.TEXT_TO_VIDEO)
                .setFirstPosition(seq * tokens).setFrameIndex(frameIndex)
                .setTokens(Collections.nCopies(tokens, 5)).setLogprobs(Collections.nCopies(tokens, -1f))
                .setPolicyVersion(policy).setEmittedAtMs(atMs)
                .build();
    }

    static GenerationCompleted completed(String id, int sample, int samples, FinishReason reason, long ttftMs,
                                         long policy) {
        return GenerationCompleted.newBuilder()
                .setRequestId(id).setSampleIndex(sample).setSamples(samples).setTask(Task.TEXT_TO_VIDEO)
                .setTenant("acme").setPrefixTokens(List.of(1, 2)).setTokens(List.of(5, 5, 5))
                .setLogprobs(List.of(-1f, -1f, -1f)).setPolicyVersion(policy).setFirstPolicyVersion(policy)
                .setFinishReason(reason).setQueuedMs(3).setTimeToFirstTokenMs(ttftMs).setTotalMs(ttftMs + 200)
                .setCompletedAtMs(1L)
                .build();
    }

    static Reward reward(String id, int sample, long policy, double total) {
        return Reward.newBuilder()
                .setRequestId(id).setSampleIndex(sample).setPolicyVersion(policy).setTotal(total)
                .setComponents(Map.of("motion", total)).setScorerVersion("test")
                .build();
    }

    static Cancel cancel(String id, String reason) {
        return Cancel.newBuilder().setRequestId(id).setReason(reason).setTenant("acme").build();
    }

    static DeadLetter deadLetter(String id, String reason) {
        return DeadLetter.newBuilder()
                .setSourceTopic("tessera.media.out").setStage("decode").setReason(reason).setRequestId(id)
                .build();
    }
}
