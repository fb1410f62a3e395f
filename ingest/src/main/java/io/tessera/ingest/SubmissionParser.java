package io.tessera.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.records.Task;
import io.tessera.schemas.SamplingDefaults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Reads and validates a {@code POST /v1/generations} body, JSON or {@code multipart/form-data}, into a
 * {@link Submission}. Every problem is a 400 whose {@code field} is the JSON path of the offending field and whose
 * message states the limit. Unknown fields are refused too, so a misspelt option is never silently ignored.
 */
final class SubmissionParser {

    static final int MIN_FRAMES = 1;
    static final int MAX_FRAMES = 64;
    static final int MIN_SAMPLES = 1;
    static final int MAX_SAMPLES = 16;
    static final int MIN_BEST_OF = 1;
    /** Best-of-N candidates per returned sample; samples x bestOf is bounded by {@link #MAX_SAMPLES} too. */
    static final int MAX_BEST_OF = 16;
    static final double MAX_TEMPERATURE = 10.0;
    static final double MAX_GUIDANCE = 20.0;
    /** Largest top-k; any value at or above the vocabulary size behaves like 0 (off). */
    static final int MAX_TOP_K = 65_536;
    /** Frames when the body leaves them out: the record schema's default. */
    static final int DEFAULT_FRAMES = 16;
    /** Sampling when the body leaves it out: what the shipped model was measured with ({@link SamplingDefaults}). */
    static final float DEFAULT_TEMPERATURE = SamplingDefaults.TEMPERATURE;
    static final int DEFAULT_TOP_K = SamplingDefaults.TOP_K;
    static final float DEFAULT_TOP_P = SamplingDefaults.TOP_P;
    static final float DEFAULT_GUIDANCE = SamplingDefaults.GUIDANCE;
    /** Deadlines further out than this are surely a unit mistake (seconds, or a duration instead of a time). */
    static final long MAX_DEADLINE_AHEAD_MS = 24L * 3_600_000L;

    /** Every field of the JSON body (the openapi.json schema describes each one, checked by a test). */
    static final Set<String> FIELDS = Set.of(
            "prompt", "task", "frames", "seed", "samples", "bestOf", "sampling", "deadlineMs", "image", "video", "audio");
    static final Set<String> SAMPLING_FIELDS = Set.of("temperature", "topK", "topP", "guidanceScale");
    private static final Set<String> PARTS = Set.of("request", "image", "video", "audio");

    private final GatewayConfig cfg;
    private final MediaCheck media;
    private final LongSupplier clockMs;
    private final LongSupplier seeds;

    SubmissionParser(GatewayConfig cfg, LongSupplier clockMs, LongSupplier seeds) {
        this.cfg = cfg;
        this.media = new MediaCheck(cfg);
        this.clockMs = clockMs;
        this.seeds = seeds;
    }

    /** Parses by content type: absent or {@code application/json}, or {@code multipart/form-data}; else 415. */
    Submission parse(byte[] body, String contentType) {
        String type = contentType == null ? "application/json"
                : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        switch (type) {
            case "application/json":
                return fromJson(body);
            case "multipart/form-data":
                return fromMultipart(body, Multipart.boundary(contentType));
            default:
                throw new ApiException(415, "Content-Type must be application/json or multipart/form-data, got "
                        + contentType, null);
        }
    }

    Submission fromJson(byte[] body) {
        ObjectNode json = Json.parseObject(body, "request body");
        byte[] image = json.hasNonNull("image") ? base64(json.get("image"), "image") : null;
        List<byte[]> video = new ArrayList<>();
        JsonNode videoNode = json.get("video");
        if (videoNode != null && !videoNode.isNull()) {
            if (!videoNode.isArray()) {
                throw ApiException.badField("video", "video must be an array of base64 images (one per frame)");
            }
            for (int i = 0; i < videoNode.size(); i++) {
                video.add(base64(videoNode.get(i), "video[" + i + "]"));
            }
        }
        byte[] audio = json.hasNonNull("audio") ? base64(json.get("audio"), "audio") : null;
        return validate(json, image, video, audio);
    }

    Submission fromMultipart(byte[] body, String boundary) {
        ObjectNode json = null;
        byte[] image = null;
        byte[] audio = null;
        List<byte[]> video = new ArrayList<>();
        for (Multipart.Part part : Multipart.parse(body, boundary)) {
            switch (part.name()) {
                case "request" -> {
                    if (json != null) {
                        throw ApiException.badField("request", "the request part appears twice");
                    }
                    json = Json.parseObject(part.data(), "the request part");
                }
                case "image" -> {
                    if (image != null) {
                        throw ApiException.badField("image", "image appears twice; send one image");
                    }
                    image = part.data();
                }
                case "video" -> video.add(part.data());
                case "audio" -> {
                    if (audio != null) {
                        throw ApiException.badField("audio", "audio appears twice; send one WAV file");
                    }
                    audio = part.data();
                }
                default -> throw ApiException.badField(part.name(), "unknown multipart part '" + part.name()
                        + "'; expected one of " + sorted(PARTS));
            }
        }
        if (json == null) {
            throw ApiException.badField("request", "multipart body needs a 'request' part holding the JSON request");
        }
        for (String media : List.of("image", "video", "audio")) {
            if (json.hasNonNull(media)) {
                throw ApiException.badField(media, media + " must be sent as a file part, not inside the request"
                        + " part, in a multipart body");
            }
        }
        return validate(json, image, video, audio);
    }

    private Submission validate(ObjectNode json, byte[] image, List<byte[]> video, byte[] audio) {
        rejectUnknown(json, FIELDS, "");
        Task task = task(json.get("task"));
        String prompt = prompt(json.get("prompt"), task);
        int frames = intField(json.get("frames"), "frames", MIN_FRAMES, MAX_FRAMES, DEFAULT_FRAMES);
        int samples = intField(json.get("samples"), "samples", MIN_SAMPLES, MAX_SAMPLES, 1);
        int bestOf = intField(json.get("bestOf"), "bestOf", MIN_BEST_OF, MAX_BEST_OF, 1);
        if (samples * bestOf > MAX_SAMPLES) { // the generator samples samples x bestOf clips
            throw ApiException.badField("bestOf", "samples * bestOf must be at most " + MAX_SAMPLES + ", got "
                    + samples + " * " + bestOf + " = " + samples * bestOf);
        }
        long seed = seed(json.get("seed"));
        Long deadline = deadline(json.get("deadlineMs"));

        float temperature = DEFAULT_TEMPERATURE;
        int topK = DEFAULT_TOP_K;
        float topP = DEFAULT_TOP_P;
        float guidance = DEFAULT_GUIDANCE;
        JsonNode sampling = json.get("sampling");
        if (sampling != null && !sampling.isNull()) {
            if (!sampling.isObject()) {
                throw ApiException.badField("sampling", "sampling must be an object with temperature, topK, topP,"
                        + " guidanceScale");
            }
            rejectUnknown((ObjectNode) sampling, SAMPLING_FIELDS, "sampling.");
            temperature = number(sampling.get("temperature"), "sampling.temperature", 0, false, MAX_TEMPERATURE,
                    true, DEFAULT_TEMPERATURE);
            topK = intField(sampling.get("topK"), "sampling.topK", 0, MAX_TOP_K, DEFAULT_TOP_K);
            topP = number(sampling.get("topP"), "sampling.topP", 0, false, 1, true, DEFAULT_TOP_P);
            guidance = number(sampling.get("guidanceScale"), "sampling.guidanceScale", 0, true, MAX_GUIDANCE, true,
                    DEFAULT_GUIDANCE);
        }

        List<byte[]> conditioning = conditioningFrames(task, image, video);
        byte[] wav = null;
        if (audio != null) {
            if (task != Task.VIDEO_CONTINUATION) {
                throw ApiException.badField("audio", "audio is only used by VIDEO_CONTINUATION, not by " + task);
            }
            wav = media.wav("audio", audio);
        }
        return new Submission(task, prompt, frames, seed, samples, bestOf, temperature, topK, topP, guidance, deadline,
                conditioning, wav);
    }

    private List<byte[]> conditioningFrames(Task task, byte[] image, List<byte[]> video) {
        boolean wantsImage = task == Task.IMAGE_TO_VIDEO;
        boolean wantsVideo = task == Task.VIDEO_CONTINUATION || task == Task.VIDEO_TO_AUDIO;
        if (wantsImage && image == null) {
            throw ApiException.badField("image", "task IMAGE_TO_VIDEO needs an image (PNG or JPEG)");
        }
        if (!wantsImage && image != null) {
            throw ApiException.badField("image", "image is only used by IMAGE_TO_VIDEO, not by " + task
                    + (wantsVideo ? "; send frames as video" : ""));
        }
        if (wantsVideo && video.isEmpty()) {
            throw ApiException.badField("video", "task " + task + " needs video frames (1.."
                    + cfg.maxVideoFrames() + " PNG or JPEG images)");
        }
        if (!wantsVideo && !video.isEmpty()) {
            throw ApiException.badField("video", "video is only used by VIDEO_CONTINUATION and VIDEO_TO_AUDIO, not by "
                    + task);
        }
        if (video.size() > cfg.maxVideoFrames()) {
            throw ApiException.badField("video", "video has " + video.size() + " frames; the limit is "
                    + cfg.maxVideoFrames());
        }
        List<byte[]> pngs = new ArrayList<>();
        if (image != null) {
            pngs.add(media.imageAsPng("image", image));
        }
        for (int i = 0; i < video.size(); i++) {
            pngs.add(media.imageAsPng("video[" + i + "]", video.get(i)));
        }
        return pngs;
    }

    private static Task task(JsonNode node) {
        if (node == null || node.isNull()) {
            return Task.TEXT_TO_VIDEO;
        }
        String allowed = Arrays.toString(Task.values());
        if (!node.isTextual()) {
            throw ApiException.badField("task", "task must be a string, one of " + allowed);
        }
        for (Task t : Task.values()) {
            if (t.name().equals(node.textValue())) {
                return t;
            }
        }
        throw ApiException.badField("task", "unknown task '" + node.textValue() + "'; expected one of " + allowed);
    }

    private String prompt(JsonNode node, Task task) {
        if (node == null || node.isNull()) {
            if (task == Task.TEXT_TO_VIDEO) {
                throw ApiException.badField("prompt", "prompt is required for TEXT_TO_VIDEO (1.."
                        + cfg.maxPromptChars() + " characters)");
            }
            return "";
        }
        if (!node.isTextual()) {
            throw ApiException.badField("prompt", "prompt must be a string");
        }
        String p = node.textValue();
        int chars = p.codePointCount(0, p.length());
        if (chars > cfg.maxPromptChars()) {
            throw ApiException.badField("prompt", "prompt has " + chars + " characters; the limit is "
                    + cfg.maxPromptChars());
        }
        if (p.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            throw ApiException.badField("prompt", "prompt must not contain control characters (tab and newline"
                    + " are allowed)");
        }
        if (task == Task.TEXT_TO_VIDEO && p.isBlank()) {
            throw ApiException.badField("prompt", "prompt must not be blank for TEXT_TO_VIDEO");
        }
        return p;
    }

    private long seed(JsonNode node) {
        if (node == null || node.isNull()) {
            return seeds.getAsLong();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw ApiException.badField("seed", "seed must be an integer (64-bit)");
        }
        return node.longValue();
    }

    private Long deadline(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw ApiException.badField("deadlineMs", "deadlineMs must be an integer: epoch milliseconds");
        }
        long now = clockMs.getAsLong();
        long d = node.longValue();
        if (d <= now || d > now + MAX_DEADLINE_AHEAD_MS) {
            throw ApiException.badField("deadlineMs", "deadlineMs must be epoch milliseconds in the future and at most"
                    + " 24 h ahead (now is " + now + "), got " + d);
        }
        return d;
    }

    private static int intField(JsonNode node, String field, int min, int max, int dflt) {
        if (node == null || node.isNull()) {
            return dflt;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw ApiException.badField(field, field + " must be an integer in " + range(min, max));
        }
        int v = node.intValue();
        if (v < min || v > max) {
            throw ApiException.badField(field, field + " must be in " + range(min, max) + ", got " + v);
        }
        return v;
    }

    private static float number(JsonNode node, String field, double lo, boolean loClosed, double hi,
            boolean hiClosed, float dflt) {
        String interval = (loClosed ? "[" : "(") + fmt(lo) + ", " + fmt(hi) + (hiClosed ? "]" : ")");
        if (node == null || node.isNull()) {
            return dflt;
        }
        if (!node.isNumber()) {
            throw ApiException.badField(field, field + " must be a number in " + interval);
        }
        double v = node.doubleValue();
        boolean ok = (loClosed ? v >= lo : v > lo) && (hiClosed ? v <= hi : v < hi);
        if (!ok || Double.isNaN(v)) {
            throw ApiException.badField(field, field + " must be in " + interval + ", got " + node.asText());
        }
        return (float) v;
    }

    private static byte[] base64(JsonNode node, String field) {
        if (!node.isTextual()) {
            throw ApiException.badField(field, field + " must be a base64 string");
        }
        String s = node.textValue();
        if (s.startsWith("data:")) { // a data URL: data:image/png;base64,....
            int comma = s.indexOf(',');
            if (comma < 0 || !s.substring(0, comma).endsWith(";base64")) {
                throw ApiException.badField(field, field + " is a data URL without ;base64");
            }
            s = s.substring(comma + 1);
        }
        try {
            return Base64.getDecoder().decode(s.replaceAll("\\s+", ""));
        } catch (IllegalArgumentException e) {
            throw ApiException.badField(field, field + " is not valid base64: " + e.getMessage());
        }
    }

    private static void rejectUnknown(ObjectNode node, Set<String> known, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw ApiException.badField(prefix + name, "unknown field '" + prefix + name + "'; expected one of "
                        + sorted(known));
            }
        }
    }

    private static String sorted(Set<String> names) {
        return names.stream().sorted().toList().toString();
    }

    private static String range(long min, long max) {
        return max == Integer.MAX_VALUE ? "[" + min + ", " + max + "] (>= " + min + ")" : "[" + min + ", " + max + "]";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
