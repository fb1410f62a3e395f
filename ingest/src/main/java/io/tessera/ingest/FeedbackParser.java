package io.tessera.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.records.Cancel;
import io.tessera.records.Feedback;
import io.tessera.records.FeedbackKind;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Reads and validates the bodies of {@code POST /v1/feedback} and {@code POST /v1/generations/{id}/cancel}. Every
 * problem is a 400 naming the field and the limit; unknown fields are refused. The tenant always comes from the
 * caller's API key, never from the body (a {@code tenant} field is refused as unknown).
 */
final class FeedbackParser {

    static final int MIN_RATING = 1;
    static final int MAX_RATING = 5;
    static final int MAX_USER_CHARS = 128;
    static final int MAX_REASON_CHARS = 500;
    /** Accepted spellings of {@code kind}: the short ones and the record's enum names (any case). */
    static final Map<String, FeedbackKind> KINDS = Map.of(
            "up", FeedbackKind.THUMBS_UP, "thumbs_up", FeedbackKind.THUMBS_UP,
            "down", FeedbackKind.THUMBS_DOWN, "thumbs_down", FeedbackKind.THUMBS_DOWN,
            "rating", FeedbackKind.RATING, "preference", FeedbackKind.PREFERENCE);
    private static final Set<String> FEEDBACK_FIELDS = Set.of("requestId", "kind", "sampleIndex", "rating",
            "preferredSample", "rejectedSample", "user");
    private static final Set<String> CANCEL_FIELDS = Set.of("reason");

    private FeedbackParser() {}

    /** The request id a feedback body names (checked first, so the owner can be looked up before the rest). */
    static String requestId(ObjectNode json) {
        JsonNode n = json.get("requestId");
        if (n == null || n.isNull()) {
            throw ApiException.badField("requestId", "requestId is required (the id the POST of the generation"
                    + " returned)");
        }
        if (!n.isTextual() || !EventsEndpoint.REQUEST_ID.matcher(n.textValue()).matches()) {
            throw ApiException.badField("requestId", "requestId must be a string matching "
                    + EventsEndpoint.REQUEST_ID.pattern());
        }
        return n.textValue();
    }

    /**
     * A validated Feedback. {@code samples} is the request's sample count (0 when unknown: sample indexes are then
     * checked against {@link SubmissionParser#MAX_SAMPLES}).
     */
    static Feedback feedback(ObjectNode json, String tenant, int samples, long nowMs) {
        rejectUnknown(json, FEEDBACK_FIELDS);
        String requestId = requestId(json);
        FeedbackKind kind = kind(json.get("kind"));
        int bound = samples > 0 ? samples : SubmissionParser.MAX_SAMPLES;
        String sampleRange = "[0, " + (bound - 1) + "]" + (samples > 0 ? " (the request has " + samples
                + " samples)" : "");
        ToIntFunction<String> sample = f -> {
            JsonNode n = json.get(f);
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0 || n.intValue() >= bound) {
                throw ApiException.badField(f, f + " must be an integer in " + sampleRange + ", got " + n);
            }
            return n.intValue();
        };
        Feedback.Builder b = Feedback.newBuilder()
                .setRequestId(requestId)
                .setKind(kind)
                .setTenant(tenant)
                .setUser(user(json.get("user")))
                .setCreatedAtMs(nowMs);
        boolean preference = kind == FeedbackKind.PREFERENCE;
        if (json.hasNonNull("sampleIndex")) {
            if (preference) {
                throw ApiException.badField("sampleIndex", "sampleIndex is not used by kind preference; send"
                        + " preferredSample and rejectedSample");
            }
            b.setSampleIndex(sample.applyAsInt("sampleIndex"));
        }
        if (kind == FeedbackKind.RATING) {
            JsonNode r = json.get("rating");
            if (r == null || r.isNull()) {
                throw ApiException.badField("rating", "kind rating needs rating, an integer in [" + MIN_RATING + ", "
                        + MAX_RATING + "]");
            }
            if (!r.isIntegralNumber() || !r.canConvertToInt() || r.intValue() < MIN_RATING
                    || r.intValue() > MAX_RATING) {
                throw ApiException.badField("rating", "rating must be an integer in [" + MIN_RATING + ", "
                        + MAX_RATING + "], got " + r);
            }
            b.setRating(r.intValue());
        } else if (json.hasNonNull("rating")) {
            throw ApiException.badField("rating", "rating is only used by kind rating, not by " + kindName(kind));
        }
        if (preference) {
            for (String f : new String[] {"preferredSample", "rejectedSample"}) {
                if (!json.hasNonNull(f)) {
                    throw ApiException.badField(f, "kind preference needs preferredSample and rejectedSample,"
                            + " integers in " + sampleRange);
                }
            }
            int preferred = sample.applyAsInt("preferredSample");
            int rejected = sample.applyAsInt("rejectedSample");
            if (preferred == rejected) {
                throw ApiException.badField("rejectedSample", "rejectedSample must differ from preferredSample ("
                        + preferred + ")");
            }
            b.setPreferredSample(preferred).setRejectedSample(rejected).setSampleIndex(preferred);
        } else {
            for (String f : new String[] {"preferredSample", "rejectedSample"}) {
                if (json.hasNonNull(f)) {
                    throw ApiException.badField(f, f + " is only used by kind preference, not by " + kindName(kind));
                }
            }
        }
        return b.build();
    }

    /** A validated Cancel for {@code requestId}; the body may be empty or {@code {"reason": "..."}}. */
    static Cancel cancel(byte[] body, String requestId, String tenant, long nowMs) {
        String reason = "";
        if (body.length > 0 && !new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            ObjectNode json = Json.parseObject(body, "request body");
            rejectUnknown(json, CANCEL_FIELDS);
            JsonNode r = json.get("reason");
            if (r != null && !r.isNull()) {
                reason = text(r, "reason", MAX_REASON_CHARS);
            }
        }
        return Cancel.newBuilder().setRequestId(requestId).setReason(reason).setTenant(tenant)
                .setRequestedAtMs(nowMs).build();
    }

    private static FeedbackKind kind(JsonNode n) {
        String allowed = "one of [up, down, rating, preference]";
        if (n == null || n.isNull()) {
            throw ApiException.badField("kind", "kind is required: " + allowed);
        }
        if (!n.isTextual()) {
            throw ApiException.badField("kind", "kind must be a string, " + allowed);
        }
        FeedbackKind k = KINDS.get(n.textValue().toLowerCase(Locale.ROOT));
        if (k == null) {
            throw ApiException.badField("kind", "unknown kind '" + n.textValue() + "'; expected " + allowed);
        }
        return k;
    }

    private static String kindName(FeedbackKind k) {
        return switch (k) {
            case THUMBS_UP -> "up";
            case THUMBS_DOWN -> "down";
            default -> k.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String user(JsonNode n) {
        return n == null || n.isNull() ? "" : text(n, "user", MAX_USER_CHARS);
    }

    /** A string of at most {@code max} code points without control characters (tab and newline allowed). */
    static String text(JsonNode n, String field, int max) {
        if (!n.isTextual()) {
            throw ApiException.badField(field, field + " must be a string of at most " + max + " characters");
        }
        String s = n.textValue();
        int chars = s.codePointCount(0, s.length());
        if (chars > max) {
            throw ApiException.badField(field, field + " has " + chars + " characters; the limit is " + max);
        }
        if (s.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            throw ApiException.badField(field, field + " must not contain control characters");
        }
        return s;
    }

    private static void rejectUnknown(ObjectNode node, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw ApiException.badField(name, "unknown field '" + name + "'; expected one of "
                        + known.stream().sorted().toList() + (name.equals("tenant")
                                ? " (the tenant is the one of your API key)" : ""));
            }
        }
    }
}
