package io.tessera.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tessera.media.Png;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.Task;
import io.tessera.schemas.SamplingDefaults;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SubmissionParserTest {

    static final long NOW = 1_800_000_000_000L;
    static final GatewayConfig CFG = GatewayConfig.defaults("127.0.0.1:9")
            .withBodyLimits(1 << 20, 64 * 1024, 64 * 1024);
    final SubmissionParser parser = new SubmissionParser(CFG, () -> NOW, () -> 42L);

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    Submission json(String body) {
        return parser.parse(body.getBytes(StandardCharsets.UTF_8), "application/json; charset=utf-8");
    }

    ApiException rejected(String body) {
        return catchThrowableOfType(ApiException.class, () -> json(body));
    }

    @Test
    void minimalBodyGetsTheMeasuredSamplingDefaultsAndAGatewaySeed() {
        Submission s = json("{\"prompt\": \"a red circle moving left\"}");
        assertThat(s.task()).isEqualTo(Task.TEXT_TO_VIDEO);
        assertThat(s.framesToGenerate()).isEqualTo(16);
        assertThat(s.samples()).isEqualTo(1);
        assertThat(s.bestOf()).isEqualTo(1);
        assertThat(s.toRecord("r", NOW).getSampling().getBestOf()).isEqualTo(1);
        assertThat(s.seed()).isEqualTo(42L);
        assertThat(s.temperature()).isEqualTo(SamplingDefaults.TEMPERATURE).isEqualTo(0.2f);
        assertThat(s.topK()).isZero();
        assertThat(s.topP()).isEqualTo(SamplingDefaults.TOP_P).isEqualTo(0.95f);
        assertThat(s.guidanceScale()).isEqualTo(SamplingDefaults.GUIDANCE);
        assertThat(s.deadlineMs()).isNull();
        assertThat(s.frames()).isEmpty();
    }

    @Test
    void fullBodyBecomesTheRecord() {
        Submission s = json("""
                {"prompt": "a blue square", "task": "TEXT_TO_VIDEO", "frames": 8, "seed": -7, "samples": 4, "bestOf": 4,
                 "sampling": {"temperature": 0.7, "topK": 50, "topP": 0.9, "guidanceScale": 2.5},
                 "deadlineMs": %d}""".formatted(NOW + 60_000));
        GenerationRequest r = s.toRecord("req-1", NOW);
        assertThat(r.getRequestId()).isEqualTo("req-1");
        assertThat(r.getPrompt()).isEqualTo("a blue square");
        assertThat(r.getCreatedAtMs()).isEqualTo(NOW);
        assertThat(r.getDeadlineMs()).isEqualTo(NOW + 60_000);
        assertThat(r.getConditioningFrames()).isZero();
        assertThat(r.getConditioningAudioChunks()).isZero();
        assertThat(r.getSampling().getFrames()).isEqualTo(8);
        assertThat(r.getSampling().getSamples()).isEqualTo(4);
        assertThat(r.getSampling().getBestOf()).isEqualTo(4);
        assertThat(r.getSampling().getSeed()).isEqualTo(-7L);
        assertThat(r.getSampling().getTemperature()).isEqualTo(0.7f);
        assertThat(r.getSampling().getTopK()).isEqualTo(50);
        assertThat(r.getSampling().getTopP()).isEqualTo(0.9f);
        assertThat(r.getSampling().getGuidanceScale()).isEqualTo(2.5f);
    }

    static Stream<Arguments> badFields() {
        String longPrompt = "x".repeat(1001);
        return Stream.of(
                Arguments.of("{\"prompt\": 5}", "prompt", "string"),
                Arguments.of("{\"prompt\": \"" + longPrompt + "\"}", "prompt", "1000"),
                Arguments.of("{\"prompt\": \"  \"}", "prompt", "blank"),
                Arguments.of("{}", "prompt", "required"),
                Arguments.of("{\"prompt\": \"p\", \"task\": \"TEXT_TO_SPEECH\"}", "task", "IMAGE_TO_VIDEO"),
                Arguments.of("{\"prompt\": \"p\", \"task\": 1}", "task", "string"),
                Arguments.of("{\"prompt\": \"p\", \"frames\": 0}", "frames", "[1, 64]"),
                Arguments.of("{\"prompt\": \"p\", \"frames\": 65}", "frames", "[1, 64]"),
                Arguments.of("{\"prompt\": \"p\", \"frames\": 2.5}", "frames", "integer"),
                Arguments.of("{\"prompt\": \"p\", \"frames\": \"16\"}", "frames", "integer"),
                Arguments.of("{\"prompt\": \"p\", \"samples\": 0}", "samples", "[1, 16]"),
                Arguments.of("{\"prompt\": \"p\", \"samples\": 17}", "samples", "[1, 16]"),
                Arguments.of("{\"prompt\": \"p\", \"bestOf\": 0}", "bestOf", "[1, 16]"),
                Arguments.of("{\"prompt\": \"p\", \"bestOf\": 17}", "bestOf", "[1, 16]"),
                Arguments.of("{\"prompt\": \"p\", \"bestOf\": \"4\"}", "bestOf", "integer"),
                Arguments.of("{\"prompt\": \"p\", \"samples\": 4, \"bestOf\": 5}", "bestOf",
                        "samples * bestOf must be at most 16, got 4 * 5 = 20"),
                Arguments.of("{\"prompt\": \"p\", \"seed\": \"x\"}", "seed", "integer"),
                Arguments.of("{\"prompt\": \"p\", \"seed\": 1e30}", "seed", "integer"),
                Arguments.of("{\"prompt\": \"p\", \"sampling\": 3}", "sampling", "object"),
                Arguments.of("{\"prompt\": \"p\", \"sampling\": {\"temperature\": 0}}", "sampling.temperature",
                        "(0, 10]"),
                Arguments.of("{\"prompt\": \"p\", \"sampling\": {\"temperature\": 10.5}}", "sampling.temperature",
                        "(0, 10]"),
                Arguments.of("{\"prompt\": \"p\", \"sampling\": {\"temperature\": \"hot\"}}",
                        "sampling.temperature", "number"),
                Arguments.of("{\"prompt\": \"p\", \"sampling\": {\"topK\": -1}}", "sampling.topK", "[0, 65536]"),
                Arguments.of("{\"prompt\": \"p\", \"sampling\": {\"topK\": 65537}}", "sampling.topK",
                        "[0, 65536]"),
                Arguments.of("{\"prompt\": \"a\\u0000b\"}", "prompt", "control characters"),
                Arguments.of("{\"prompt\": \"p\", \"tenant\": \"bob\"}", "tenant", "unknown field"),
                Arguments.of("{\"prompt\": \"p\", \"sampling\": {\"topP\": 0}}", "sampling.topP", "(0, 1]"),
                Arguments.of("{\"prompt\": \"p\", \"sampling\": {\"topP\": 1.5}}", "sampling.topP", "(0, 1]"),
                Arguments.of("{\"prompt\": \"p\", \"sampling\": {\"guidanceScale\": -0.1}}",
                        "sampling.guidanceScale", "[0, 20]"),
                Arguments.of("{\"prompt\": \"p\", \"sampling\": {\"guidanceScale\": 20.5}}",
                        "sampling.guidanceScale", "[0, 20]"),
                Arguments.of("{\"prompt\": \"p\", \"sampling\": {\"top_p\": 0.5}}", "sampling.top_p", "unknown"),
                Arguments.of("{\"prompt\": \"p\", \"fps\": 8}", "fps", "unknown field"),
                Arguments.of("{\"prompt\": \"p\", \"deadlineMs\": 5}", "deadlineMs", "future"),
                Arguments.of("{\"prompt\": \"p\", \"deadlineMs\": " + (NOW + 25L * 3_600_000L) + "}",
                        "deadlineMs", "24 h"),
                Arguments.of("{\"prompt\": \"p\", \"deadlineMs\": \"soon\"}", "deadlineMs", "integer"),
                Arguments.of("{\"prompt\": \"p\", \"image\": \"!!!\"}", "image", "base64"),
                Arguments.of("{\"prompt\": \"p\", \"image\": 3}", "image", "base64"),
                Arguments.of("{\"prompt\": \"p\", \"video\": \"abc\"}", "video", "array"),
                Arguments.of("{\"task\": \"IMAGE_TO_VIDEO\"}", "image", "needs an image"),
                Arguments.of("{\"task\": \"VIDEO_CONTINUATION\"}", "video", "needs video frames"),
                Arguments.of("{\"task\": \"VIDEO_TO_AUDIO\"}", "video", "needs video frames"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("badFields")
    void everyBadFieldIsA400NamingTheFieldAndTheLimit(String body, String field, String messagePart) {
        ApiException e = rejected(body);
        assertThat(e).as("rejected").isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).contains(messagePart);
    }

    @Test
    void malformedJsonIsA400WithoutAField() {
        for (String body : List.of("{\"prompt\": ", "not json", "[1,2]", "", "{\"prompt\":\"a\"} {}",
                "{\"prompt\":\"a\",\"prompt\":\"b\"}")) {
            ApiException e = rejected(body);
            assertThat(e).as(body).isNotNull();
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("request body");
        }
    }

    @Test
    void otherContentTypesAre415() {
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> parser.parse("prompt=x".getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded"));
        assertThat(e.status()).isEqualTo(415);
    }

    @Test
    void imageToVideoTakesAPngAndConvertsJpegToPng() {
        byte[] png = TestMedia.png(64, 64, 1);
        Submission s = json("{\"task\": \"IMAGE_TO_VIDEO\", \"image\": \"" + b64(png) + "\"}");
        assertThat(s.frames()).hasSize(1);
        assertThat(s.frames().get(0)).isEqualTo(png);

        Submission j = json("{\"task\": \"IMAGE_TO_VIDEO\", \"prompt\": \"go\", \"image\": \"data:image/jpeg;base64,"
                + b64(TestMedia.jpeg(32, 48)) + "\"}");
        assertThat(Png.isPng(j.frames().get(0))).isTrue();
        assertThat(Png.decode(j.frames().get(0)).getWidth()).isEqualTo(32);
        List<MediaChunk> media = j.mediaChunks("r", NOW);
        assertThat(media).hasSize(1);
        assertThat(media.get(0).getKind()).isEqualTo(MediaKind.VIDEO_FRAME);
        assertThat(media.get(0).getContentType()).isEqualTo("image/png");
        assertThat(media.get(0).getTotal()).isEqualTo(1);
        assertThat(j.toRecord("r", NOW).getConditioningFrames()).isEqualTo(1);
    }

    @Test
    void badImagesNameTheirField() {
        assertField("{\"task\": \"IMAGE_TO_VIDEO\", \"image\": \"" + b64("GIF89a....".getBytes()) + "\"}",
                "image", "PNG or JPEG");
        byte[] big = TestMedia.png(1100, 20, 0);
        assertField("{\"task\": \"IMAGE_TO_VIDEO\", \"image\": \"" + b64(big) + "\"}", "image", "1..1024");
        byte[] truncated = java.util.Arrays.copyOf(TestMedia.png(64, 64, 0), 40);
        assertField("{\"task\": \"IMAGE_TO_VIDEO\", \"image\": \"" + b64(truncated) + "\"}", "image", "decoded");
        byte[] heavy = new byte[70 * 1024];
        System.arraycopy(TestMedia.png(8, 8, 0), 0, heavy, 0, 8);
        assertField("{\"task\": \"IMAGE_TO_VIDEO\", \"image\": \"" + b64(heavy) + "\"}", "image", "limit");
        assertField("{\"prompt\": \"p\", \"image\": \"" + b64(TestMedia.png(8, 8, 0)) + "\"}", "image",
                "only used by IMAGE_TO_VIDEO");
        String frames = "[\"" + b64(TestMedia.png(8, 8, 0)) + "\", \"" + b64("nope".getBytes()) + "\"]";
        assertField("{\"task\": \"VIDEO_CONTINUATION\", \"video\": " + frames + "}", "video[1]", "PNG or JPEG");
    }

    @Test
    void audioOutsideTheSampleRateRangeIsRefused() {
        String frames = "[\"" + b64(TestMedia.png(16, 16, 0)) + "\"]";
        assertField("{\"task\": \"VIDEO_CONTINUATION\", \"video\": " + frames + ", \"audio\": \""
                + b64(TestMedia.wav(400, 4000)) + "\"}", "audio", "[8000, 96000] Hz");
    }

    @Test
    void theRecordCarriesTheCallersTenant() {
        assertThat(json("{\"prompt\": \"p\"}").toRecord("r", NOW, "alice").getTenant()).isEqualTo("alice");
    }

    @Test
    void videoAndAudioBecomeMediaChunksInOrder() {
        String frames = "[\"" + b64(TestMedia.png(16, 16, 0)) + "\", \"" + b64(TestMedia.png(16, 16, 5)) + "\"]";
        Submission s = json("{\"task\": \"VIDEO_CONTINUATION\", \"video\": " + frames + ", \"audio\": \""
                + b64(TestMedia.wav(1600, 16000)) + "\"}");
        List<MediaChunk> media = s.mediaChunks("r", NOW);
        assertThat(media).extracting(MediaChunk::getKind)
                .containsExactly(MediaKind.VIDEO_FRAME, MediaKind.VIDEO_FRAME, MediaKind.AUDIO);
        assertThat(media).extracting(MediaChunk::getIndex).containsExactly(0, 1, 0);
        assertThat(media.get(1).getFinal$()).isTrue();
        assertThat(media.get(2).getContentType()).isEqualTo("audio/wav");
        GenerationRequest r = s.toRecord("r", NOW);
        assertThat(r.getConditioningFrames()).isEqualTo(2);
        assertThat(r.getConditioningAudioChunks()).isEqualTo(1);
    }

    @Test
    void badAudioAndTooManyFramesNameTheirField() {
        String frame = "\"" + b64(TestMedia.png(8, 8, 0)) + "\"";
        assertField("{\"task\": \"VIDEO_CONTINUATION\", \"video\": [" + frame + "], \"audio\": \""
                + b64("RIFF0000WAVEjunk".getBytes()) + "\"}", "audio", "WAV");
        assertField("{\"task\": \"VIDEO_TO_AUDIO\", \"video\": [" + frame + "], \"audio\": \""
                + b64(TestMedia.wav(160, 16000)) + "\"}", "audio", "only used by VIDEO_CONTINUATION");
        String many = String.join(",", java.util.Collections.nCopies(65, frame));
        assertField("{\"task\": \"VIDEO_TO_AUDIO\", \"video\": [" + many + "]}", "video", "limit is 64");
    }

    @Test
    void multipartCarriesTheRequestPartAndFileParts() throws Exception {
        String boundary = "----tessera" + NOW;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, boundary, "request", null, "application/json",
                "{\"task\": \"VIDEO_CONTINUATION\", \"prompt\": \"more\", \"frames\": 4}".getBytes());
        part(body, boundary, "video", "f0.png", "image/png", TestMedia.png(16, 16, 0));
        part(body, boundary, "video", "f1.jpg", "image/jpeg", TestMedia.jpeg(16, 16));
        part(body, boundary, "audio", "a.wav", "audio/wav", TestMedia.wav(800, 8000));
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        Submission s = parser.parse(body.toByteArray(), "multipart/form-data; boundary=\"" + boundary + "\"");
        assertThat(s.task()).isEqualTo(Task.VIDEO_CONTINUATION);
        assertThat(s.framesToGenerate()).isEqualTo(4);
        assertThat(s.frames()).hasSize(2).allSatisfy(f -> assertThat(Png.isPng(f)).isTrue());
        assertThat(s.audioWav()).isNotNull();
    }

    @Test
    void multipartProblemsNameThePart() throws Exception {
        String boundary = "b0undary";
        ByteArrayOutputStream noRequest = new ByteArrayOutputStream();
        part(noRequest, boundary, "image", "x.png", "image/png", TestMedia.png(8, 8, 0));
        noRequest.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> parser.parse(noRequest.toByteArray(), "multipart/form-data; boundary=" + boundary));
        assertThat(e.field()).isEqualTo("request");

        ByteArrayOutputStream stray = new ByteArrayOutputStream();
        part(stray, boundary, "request", null, null, "{\"prompt\": \"p\"}".getBytes());
        part(stray, boundary, "thumbnail", "t.png", "image/png", TestMedia.png(8, 8, 0));
        stray.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        e = catchThrowableOfType(ApiException.class,
                () -> parser.parse(stray.toByteArray(), "multipart/form-data; boundary=" + boundary));
        assertThat(e.field()).isEqualTo("thumbnail");

        assertThatThrownBy(() -> parser.parse("garbage".getBytes(), "multipart/form-data; boundary=" + boundary))
                .isInstanceOf(ApiException.class).hasMessageContaining("boundary");
        assertThatThrownBy(() -> parser.parse("garbage".getBytes(), "multipart/form-data"))
                .isInstanceOf(ApiException.class).hasMessageContaining("boundary");
    }

    @Test
    void theOpenApiSchemaDescribesEveryRequestFieldWithItsLimits() throws Exception {
        com.fasterxml.jackson.databind.JsonNode doc;
        try (var in = Gateway.class.getResourceAsStream(Gateway.OPENAPI_RESOURCE)) {
            doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
        }
        var request = doc.path("components").path("schemas").path("GenerationRequest").path("properties");
        List<String> described = new java.util.ArrayList<>();
        request.fieldNames().forEachRemaining(described::add);
        assertThat(described).containsExactlyInAnyOrderElementsOf(SubmissionParser.FIELDS);
        List<String> sampling = new java.util.ArrayList<>();
        request.path("sampling").path("properties").fieldNames().forEachRemaining(sampling::add);
        assertThat(sampling).containsExactlyInAnyOrderElementsOf(SubmissionParser.SAMPLING_FIELDS);
        assertThat(request.path("bestOf").path("minimum").asInt()).isEqualTo(SubmissionParser.MIN_BEST_OF);
        assertThat(request.path("bestOf").path("maximum").asInt()).isEqualTo(SubmissionParser.MAX_BEST_OF);
        assertThat(request.path("bestOf").path("description").asText()).contains("samples * bestOf must be at most "
                + SubmissionParser.MAX_SAMPLES);
        assertThat(request.path("samples").path("maximum").asInt()).isEqualTo(SubmissionParser.MAX_SAMPLES);
    }

    private void assertField(String body, String field, String messagePart) {
        ApiException e = rejected(body);
        assertThat(e).as(body.length() > 200 ? body.substring(0, 200) : body).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).contains(messagePart);
    }

    static void part(ByteArrayOutputStream out, String boundary, String name, String filename, String type,
            byte[] data) {
        StringBuilder h = new StringBuilder("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append('"');
        if (filename != null) {
            h.append("; filename=\"").append(filename).append('"');
        }
        h.append("\r\n");
        if (type != null) {
            h.append("Content-Type: ").append(type).append("\r\n");
        }
        h.append("\r\n");
        out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(data);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
}
