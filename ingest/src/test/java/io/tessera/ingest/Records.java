package io.tessera.ingest;

import io.tessera.records.FinishReason;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import java.nio.ByteBuffer;
import java.util.List;

/** Result records as the jobs write them, for feeding the hub and the topics in tests. */
public final class Records {

    private Records() {}

    public static TokenChunk token(String id, int sample, int seq, int frameIndex, boolean last) {
        return TokenChunk.newBuilder()
                .setRequestId(id).setSampleIndex(sample).setSeq(seq).setTask(Task.TEXT_TO_VIDEO)
                .setFirstPosition(seq * 3).setFrameIndex(frameIndex)
                .setTokens(List.of(100 + seq, 200 + seq, 300 + seq)).setLogprobs(List.of(-0.5f, -1f, -1.5f))
                .setPolicyVersion(3).setFinal$(last).setFinishReason(last ? FinishReason.LENGTH : null)
                .setEmittedAtMs(1L)
                .build();
    }

    public static MediaChunk frame(String id, int sample, int index, int total, byte[] png) {
        return MediaChunk.newBuilder()
                .setRequestId(id).setSampleIndex(sample).setKind(MediaKind.VIDEO_FRAME).setIndex(index)
                .setTotal(total).setContentType("image/png").setData(ByteBuffer.wrap(png)).setPolicyVersion(3)
                .setFinal$(index == total - 1).setProducedAtMs(1L)
                .build();
    }

    public static MediaChunk audio(String id, int sample, int index, boolean last, byte[] wav) {
        return MediaChunk.newBuilder()
                .setRequestId(id).setSampleIndex(sample).setKind(MediaKind.AUDIO).setIndex(index)
                .setTotal(-1).setContentType("audio/wav").setData(ByteBuffer.wrap(wav)).setPolicyVersion(3)
                .setFinal$(last).setProducedAtMs(1L)
                .build();
    }

    public static GenerationCompleted completed(String id, int sample, int samples, FinishReason reason) {
        return GenerationCompleted.newBuilder()
                .setRequestId(id).setSampleIndex(sample).setSamples(samples).setTask(Task.TEXT_TO_VIDEO)
                .setPrompt("p").setPrefixTokens(List.of(1, 2)).setTokens(List.of(100, 200, 300))
                .setLogprobs(List.of(-0.5f, -1f, -1.5f)).setPolicyVersion(3).setFinishReason(reason)
                .setQueuedMs(4).setTimeToFirstTokenMs(12).setTotalMs(250).setCompletedAtMs(2L)
                .build();
    }
}
