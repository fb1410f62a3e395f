package io.tessera.reward.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.media.MediaFormatException;
import io.tessera.media.Png;
import io.tessera.media.Resample;
import io.tessera.media.Wav;
import io.tessera.generator.world.World;
import io.tessera.records.Task;
import io.tessera.reward.ClipDecoder;
import io.tessera.reward.score.ScoringException;
import io.tessera.reward.score.ScoringInput;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The body of {@code POST /v1/score} to a {@link ScoringInput}:
 * {@code {task, prompt, frames: [base64 PNG...], audio: base64 WAV (optional)}} or
 * {@code {task, prompt, tokens: [...], prefixTokens: [...] (video-to-audio only)}}. Every problem is a
 * {@link BadRequest} naming the field (and the limit).
 */
final class ScoreRequests {
    /** Tokens of one generated frame of the video tasks: 16 video + 1 audio (the bound on a token request). */
    static final int TOKENS_PER_FRAME_UNIT = 17;

    private ScoreRequests() {}

    static ScoringInput parse(JsonNode body, ClipDecoder decoder, int maxFrames) {
        if (body == null || !body.isObject()) {
            throw BadRequest.of("body must be a JSON object");
        }
        Task task = task(body.get("task"));
        JsonNode promptNode = body.get("prompt");
        if (promptNode == null || !promptNode.isTextual() || promptNode.asText().isBlank()) {
            throw BadRequest.of("field 'prompt' must be a non-empty string");
        }
        String prompt = promptNode.asText();
        boolean hasFrames = body.has("frames");
        boolean hasTokens = body.has("tokens");
        if (hasFrames == hasTokens) {
            throw BadRequest.of("give exactly one of 'frames' (base64 PNGs) or 'tokens' (generated token ids)");
        }
        try {
            if (hasTokens) {
                int[] tokens = ints(body.get("tokens"), "tokens", maxFrames * TOKENS_PER_FRAME_UNIT);
                int[] prefix = body.has("prefixTokens") ? ints(body.get("prefixTokens"), "prefixTokens", 4096) : null;
                return decoder.decode(task, prompt, prefix, tokens);
            }
            List<BufferedImage> frames = frames(body.get("frames"), maxFrames);
            float[] audio = body.has("audio") && !body.get("audio").isNull() ? audio(body.get("audio")) : null;
            return ScoringInput.of(task, prompt, frames, audio);
        } catch (ScoringException e) {
            throw BadRequest.of(e.getMessage());
        }
    }

    static Task task(JsonNode node) {
        if (node == null || !node.isTextual()) {
            throw BadRequest.of("field 'task' must be one of " + java.util.Arrays.toString(Task.values()));
        }
        try {
            return Task.valueOf(node.asText().trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw BadRequest.of("field 'task': '" + node.asText() + "' is not one of "
                    + java.util.Arrays.toString(Task.values()));
        }
    }

    static int[] ints(JsonNode node, String field, int max) {
        if (node == null || !node.isArray()) {
            throw BadRequest.of("field '" + field + "' must be an array of integers");
        }
        if (node.size() > max) {
            throw BadRequest.of("field '" + field + "' holds " + node.size() + " values; at most " + max);
        }
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                throw BadRequest.of("field '" + field + "'[" + i + "] is not an integer: " + v);
            }
            out[i] = v.asInt();
        }
        return out;
    }

    static List<BufferedImage> frames(JsonNode node, int maxFrames) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw BadRequest.of("field 'frames' must be a non-empty array of base64 PNG strings");
        }
        if (node.size() > maxFrames) {
            throw BadRequest.of("field 'frames' holds " + node.size() + " frames; at most " + maxFrames);
        }
        List<BufferedImage> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode f = node.get(i);
            if (!f.isTextual()) {
                throw BadRequest.of("field 'frames'[" + i + "] must be a base64 PNG string");
            }
            try {
                out.add(Png.decode(Base64.getDecoder().decode(f.asText())));
            } catch (IllegalArgumentException | MediaFormatException e) {
                throw BadRequest.of("field 'frames'[" + i + "] is not a base64 PNG: " + e.getMessage());
            }
        }
        return out;
    }

    static float[] audio(JsonNode node) {
        if (!node.isTextual()) {
            throw BadRequest.of("field 'audio' must be a base64 WAV string");
        }
        try {
            Wav.Audio a = Wav.decode(Base64.getDecoder().decode(node.asText()));
            return a.sampleRate() == World.SAMPLE_RATE ? a.samples()
                    : Resample.to(a.samples(), a.sampleRate(), World.SAMPLE_RATE);
        } catch (IllegalArgumentException | MediaFormatException e) {
            throw BadRequest.of("field 'audio' is not a base64 WAV: " + e.getMessage());
        }
    }
}
