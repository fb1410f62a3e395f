package io.tessera.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.MediaChunk;
import io.tessera.records.TokenChunk;
import java.nio.ByteBuffer;
import java.util.Base64;

/** The JSON payloads of the SSE events, one method per event name (documented in the module README). */
final class EventJson {

    private EventJson() {}

    /** {@code token}: one TokenChunk without its log-probabilities. */
    static String token(TokenChunk c) {
        ObjectNode n = Json.object()
                .put("requestId", c.getRequestId())
                .put("sampleIndex", c.getSampleIndex())
                .put("seq", c.getSeq())
                .put("firstPosition", c.getFirstPosition())
                .put("frameIndex", c.getFrameIndex())
                .put("count", c.getTokens().size());
        ArrayNode ids = n.putArray("tokens");
        c.getTokens().forEach(ids::add);
        n.put("policyVersion", c.getPolicyVersion()).put("final", c.getFinal$());
        if (c.getFinishReason() != null) {
            n.put("finishReason", c.getFinishReason().name());
        }
        return Json.write(n);
    }

    /** {@code frame}: one decoded video frame, PNG as base64. */
    static String frame(MediaChunk m) {
        return Json.write(media(m).put("png", base64(m.getData())));
    }

    /** {@code audio}: one decoded audio span, WAV as base64. */
    static String audio(MediaChunk m) {
        return Json.write(media(m).put("wav", base64(m.getData())));
    }

    private static ObjectNode media(MediaChunk m) {
        return Json.object()
                .put("sampleIndex", m.getSampleIndex())
                .put("index", m.getIndex())
                .put("total", m.getTotal())
                .put("final", m.getFinal$())
                .put("policyVersion", m.getPolicyVersion());
    }

    /**
     * {@code completed}: one finished sample with its timings (tokens and logprobs left out); a best-of-N sample also
     * has {@code bestOf} and {@code verifierScores} (every candidate's score, -1 where it could not be scored).
     */
    static String completed(GenerationCompleted g) {
        var json = Json.object()
                .put("sampleIndex", g.getSampleIndex())
                .put("samples", g.getSamples())
                .put("finishReason", g.getFinishReason().name())
                .put("tokens", g.getTokens().size())
                .put("policyVersion", g.getPolicyVersion())
                .put("firstPolicyVersion", g.getFirstPolicyVersion())
                .put("modelId", g.getModelId())
                .put("seed", g.getSeed())
                .put("queuedMs", g.getQueuedMs())
                .put("timeToFirstTokenMs", g.getTimeToFirstTokenMs())
                .put("totalMs", g.getTotalMs())
                .put("completedAtMs", g.getCompletedAtMs());
        if (g.getBestOf() > 1) {
            json.put("bestOf", g.getBestOf());
            var scores = json.putArray("verifierScores");
            g.getVerifierScores().forEach(scores::add);
        }
        return Json.write(json);
    }

    /** {@code done}: every sample of the request is finished. */
    static String done(String requestId, int samples) {
        return Json.write(Json.object().put("requestId", requestId).put("samples", samples));
    }

    /** {@code failed}: the job dead-lettered the request; the stage that did and its reason. */
    static String failed(io.tessera.records.DeadLetter d) {
        return Json.write(Json.object().put("requestId", d.getRequestId()).put("stage", d.getStage())
                .put("reason", d.getReason()).put("failedAtMs", d.getFailedAtMs()));
    }

    /** {@code error}: why this stream ends early. */
    static String error(String message) {
        return Json.write(Json.object().put("error", message));
    }

    private static String base64(ByteBuffer data) {
        ByteBuffer b = data.duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
