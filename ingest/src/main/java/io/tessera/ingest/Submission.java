package io.tessera.ingest;

import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated {@code POST /v1/generations}: every field in range, the media the task needs present, conditioning
 * frames normalised to PNG and audio checked as WAV. Turns into the records the gateway publishes.
 *
 * @param bestOf          best-of-N candidates per returned sample (1: plain sampling)
 * @param frames          conditioning frames as PNG (the image of IMAGE_TO_VIDEO, or the video frames), in order
 * @param audioWav        conditioning audio as one WAV file, or null
 * @param deadlineMs      epoch millis after which the request is abandoned, or null
 */
record Submission(
        Task task,
        String prompt,
        int framesToGenerate,
        long seed,
        int samples,
        int bestOf,
        float temperature,
        int topK,
        float topP,
        float guidanceScale,
        Long deadlineMs,
        List<byte[]> frames,
        byte[] audioWav) {

    Submission {
        frames = List.copyOf(frames);
    }

    GenerationRequest toRecord(String requestId, long nowMs) {
        return toRecord(requestId, nowMs, "default");
    }

    /** The request record of {@code tenant} (the caller's, from its API key). */
    GenerationRequest toRecord(String requestId, long nowMs, String tenant) {
        return GenerationRequest.newBuilder()
                .setRequestId(requestId)
                .setTenant(tenant)
                .setTask(task)
                .setPrompt(prompt)
                .setConditioningFrames(frames.size())
                .setConditioningAudioChunks(audioWav == null ? 0 : 1)
                .setSampling(SamplingParams.newBuilder()
                        .setTemperature(temperature)
                        .setTopK(topK)
                        .setTopP(topP)
                        .setGuidanceScale(guidanceScale)
                        .setSeed(seed)
                        .setFrames(framesToGenerate)
                        .setSamples(samples)
                        .setBestOf(bestOf)
                        .build())
                .setDeadlineMs(deadlineMs)
                .setCreatedAtMs(nowMs)
                .build();
    }

    /** The conditioning media as MediaChunks on tessera.media.in: frames 0..n-1, then the audio as chunk 0 of 1. */
    List<MediaChunk> mediaChunks(String requestId, long nowMs) {
        List<MediaChunk> out = new ArrayList<>(frames.size() + 1);
        for (int i = 0; i < frames.size(); i++) {
            out.add(chunk(requestId, MediaKind.VIDEO_FRAME, i, frames.size(), "image/png", frames.get(i), nowMs));
        }
        if (audioWav != null) {
            out.add(chunk(requestId, MediaKind.AUDIO, 0, 1, "audio/wav", audioWav, nowMs));
        }
        return out;
    }

    private static MediaChunk chunk(String requestId, MediaKind kind, int index, int total, String contentType,
            byte[] data, long nowMs) {
        return MediaChunk.newBuilder()
                .setRequestId(requestId)
                .setSampleIndex(0)
                .setKind(kind)
                .setIndex(index)
                .setTotal(total)
                .setContentType(contentType)
                .setData(ByteBuffer.wrap(data))
                .setFinal$(index == total - 1)
                .setProducedAtMs(nowMs)
                .build();
    }
}
