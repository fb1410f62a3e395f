package io.tessera.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.records.Cancel;
import io.tessera.records.Feedback;
import io.tessera.records.FeedbackKind;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FeedbackParserTest {

    static final long NOW = 1_800_000_000_000L;

    static Feedback parse(String body, int samples) {
        ObjectNode json = Json.parseObject(body.getBytes(StandardCharsets.UTF_8), "request body");
        return FeedbackParser.feedback(json, "alice", samples, NOW);
    }

    @Test
    void everyKindBecomesAFeedbackOfTheCallersTenant() {
        Feedback up = parse("{\"requestId\": \"r1\", \"kind\": \"up\", \"sampleIndex\": 1, \"user\": \"ann\"}", 2);
        assertThat(up.getKind()).isEqualTo(FeedbackKind.THUMBS_UP);
        assertThat(up.getSampleIndex()).isEqualTo(1);
        assertThat(up.getTenant()).isEqualTo("alice");
        assertThat(up.getUser()).isEqualTo("ann");
        assertThat(up.getCreatedAtMs()).isEqualTo(NOW);
        assertThat(up.getRating()).isNull();

        assertThat(parse("{\"requestId\": \"r1\", \"kind\": \"THUMBS_DOWN\"}", 1).getKind())
                .isEqualTo(FeedbackKind.THUMBS_DOWN);
        Feedback rating = parse("{\"requestId\": \"r1\", \"kind\": \"rating\", \"rating\": 5}", 1);
        assertThat(rating.getRating()).isEqualTo(5);
        Feedback pref = parse("{\"requestId\": \"r1\", \"kind\": \"preference\", \"preferredSample\": 2,"
                + " \"rejectedSample\": 0}", 3);
        assertThat(pref.getPreferredSample()).isEqualTo(2);
        assertThat(pref.getRejectedSample()).isZero();
        assertThat(pref.getSampleIndex()).isEqualTo(2);
        assertThat(pref.getUser()).isEmpty();
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("{\"kind\": \"up\"}", "requestId", "required"),
                Arguments.of("{\"requestId\": \"a b\", \"kind\": \"up\"}", "requestId", "matching"),
                Arguments.of("{\"requestId\": \"r1\"}", "kind", "[up, down, rating, preference]"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"meh\"}", "kind", "[up, down, rating, preference]"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": 1}", "kind", "string"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"up\", \"sampleIndex\": 2}", "sampleIndex",
                        "[0, 1] (the request has 2 samples)"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"up\", \"sampleIndex\": -1}", "sampleIndex", "[0, 1]"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"up\", \"sampleIndex\": \"0\"}", "sampleIndex",
                        "integer"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"rating\"}", "rating", "[1, 5]"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"rating\", \"rating\": 6}", "rating", "[1, 5]"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"rating\", \"rating\": 0}", "rating", "[1, 5]"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"rating\", \"rating\": 4.5}", "rating", "[1, 5]"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"up\", \"rating\": 3}", "rating", "only used by"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"preference\", \"preferredSample\": 0}",
                        "rejectedSample", "needs preferredSample and rejectedSample"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"preference\", \"preferredSample\": 1,"
                        + " \"rejectedSample\": 1}", "rejectedSample", "differ"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"preference\", \"preferredSample\": 0,"
                        + " \"rejectedSample\": 2}", "rejectedSample", "[0, 1]"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"preference\", \"preferredSample\": 0,"
                        + " \"rejectedSample\": 1, \"sampleIndex\": 0}", "sampleIndex", "not used"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"down\", \"preferredSample\": 0}", "preferredSample",
                        "only used by kind preference"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"up\", \"user\": \"" + "u".repeat(129) + "\"}",
                        "user", "limit is 128"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"up\", \"user\": 7}", "user", "string"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"up\", \"tenant\": \"bob\"}", "tenant",
                        "the tenant is the one of your API key"),
                Arguments.of("{\"requestId\": \"r1\", \"kind\": \"up\", \"score\": 1}", "score", "unknown field"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("badBodies")
    void everyBadFieldIsA400NamingTheFieldAndTheLimit(String body, String field, String messagePart) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> parse(body, 2));
        assertThat(e).as("rejected").isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).contains(messagePart);
    }

    @Test
    void unknownSampleCountsBoundIndexesByTheSubmissionLimit() {
        assertThat(parse("{\"requestId\": \"r1\", \"kind\": \"up\", \"sampleIndex\": 15}", 0).getSampleIndex())
                .isEqualTo(15);
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> parse("{\"requestId\": \"r1\", \"kind\": \"up\", \"sampleIndex\": 16}", 0));
        assertThat(e.getMessage()).contains("[0, 15]");
    }

    @Test
    void cancelTakesAnOptionalReason() {
        Cancel c = FeedbackParser.cancel(new byte[0], "r1", "alice", NOW);
        assertThat(c.getRequestId()).isEqualTo("r1");
        assertThat(c.getTenant()).isEqualTo("alice");
        assertThat(c.getReason()).isEmpty();
        assertThat(c.getRequestedAtMs()).isEqualTo(NOW);
        assertThat(FeedbackParser.cancel("{\"reason\": \"too slow\"}".getBytes(StandardCharsets.UTF_8), "r1",
                "alice", NOW).getReason()).isEqualTo("too slow");
        ApiException e = catchThrowableOfType(ApiException.class, () -> FeedbackParser.cancel(
                ("{\"reason\": \"" + "x".repeat(501) + "\"}").getBytes(StandardCharsets.UTF_8), "r1", "alice", NOW));
        assertThat(e.field()).isEqualTo("reason");
        assertThat(e.getMessage()).contains("500");
        e = catchThrowableOfType(ApiException.class, () -> FeedbackParser.cancel(
                "{\"tenant\": \"bob\"}".getBytes(StandardCharsets.UTF_8), "r1", "alice", NOW));
        assertThat(e.field()).isEqualTo("tenant");
    }
}
