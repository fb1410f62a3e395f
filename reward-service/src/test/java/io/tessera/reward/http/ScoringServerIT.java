package io.tessera.reward.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.generator.world.Clip;
import io.tessera.generator.world.Split;
import io.tessera.generator.world.World;
import io.tessera.media.Png;
import io.tessera.media.Wav;
import io.tessera.reward.WorldClips;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scoring service on a real socket: frames and tokens scored, bad input refused with the reason. */
class ScoringServerIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static ScoringServer server;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        server = ScoringServer.start(ScoringServerConfig.defaults().withPort(0), WorldClips.tokenizers());
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/score"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static ObjectNode framesBody(Clip c, String prompt, boolean audio) {
        ObjectNode body = JSON.createObjectNode().put("task", "TEXT_TO_VIDEO").put("prompt", prompt);
        ArrayNode frames = body.putArray("frames");
        c.frames().forEach(f -> frames.add(Base64.getEncoder().encodeToString(Png.encode(f))));
        if (audio) {
            body.put("audio", Base64.getEncoder().encodeToString(Wav.encode(c.audio(), World.SAMPLE_RATE)));
        }
        return body;
    }

    @Test
    void framesAndAudioAreScored() throws Exception {
        Clip c = WorldClips.clip(21, Split.HELD_OUT, 12);
        HttpResponse<String> r = post(framesBody(c, c.prompt(), true).toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("total").asDouble()).isEqualTo(1.0);
        assertThat(body.get("components").get("adherence").asDouble()).isEqualTo(1.0);
        assertThat(body.get("components").has("av_sync")).isTrue();
        assertThat(body.get("scorerVersion").asText()).isEqualTo(server.scorerVersion()).startsWith("reward-1[");

        String wrongPrompt = c.prompt().contains("circle") ? c.prompt().replace("circle", "square")
                : c.prompt().replace(c.spec().objects().get(0).spec().shape().word(), "circle");
        JsonNode worse = JSON.readTree(post(framesBody(c, wrongPrompt, false).toString()).body());
        assertThat(worse.get("components").get("adherence.shape").asDouble()).isLessThan(1.0);
        assertThat(worse.get("components").has("av_sync")).isFalse();
        assertThat(worse.get("total").asDouble()).isLessThan(1.0);
    }

    @Test
    void tokensAreDecodedAndScored() throws Exception {
        Clip c = WorldClips.clip(22, Split.TRAIN, 8);
        ObjectNode body = JSON.createObjectNode().put("task", "text-to-video").put("prompt", c.prompt());
        ArrayNode tokens = body.putArray("tokens");
        for (int t : WorldClips.textToVideoTokens(c)) {
            tokens.add(t);
        }
        HttpResponse<String> r = post(body.toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode out = JSON.readTree(r.body());
        assertThat(out.get("frames").asInt()).isEqualTo(8);
        assertThat(out.get("components").get("adherence").asDouble()).isEqualTo(1.0);
    }

    @Test
    void badInputIsA400WithTheReason() throws Exception {
        Clip c = WorldClips.clip(23, Split.TRAIN, 2);
        assertError(post("{not json"), 400, "body is not JSON");
        assertError(post("[]"), 400, "body must be a JSON object");
        assertError(post("{\"task\":\"TEXT_TO_VIDEO\",\"frames\":[]}"), 400, "field 'prompt'");
        assertError(post("{\"task\":\"PAINTING\",\"prompt\":\"a red circle moving up\",\"frames\":[\"x\"]}"), 400,
                "field 'task': 'PAINTING'");
        assertError(post("{\"task\":\"TEXT_TO_VIDEO\",\"prompt\":\"a red circle moving up\"}"), 400, "exactly one of");
        assertError(post("{\"task\":\"TEXT_TO_VIDEO\",\"prompt\":\"a red circle moving up\",\"frames\":[\"aGVsbG8=\"]}"),
                400, "field 'frames'[0] is not a base64 PNG");
        assertError(post("{\"task\":\"TEXT_TO_VIDEO\",\"prompt\":\"a red circle moving up\",\"tokens\":[1,2,3]}"), 400,
                "less than one frame");
        assertError(post("{\"task\":\"TEXT_TO_VIDEO\",\"prompt\":\"a red circle moving up\",\"tokens\":[1.5]}"), 400,
                "field 'tokens'[0] is not an integer");
        ObjectNode tooMany = framesBody(c, c.prompt(), false);
        ArrayNode frames = (ArrayNode) tooMany.get("frames");
        while (frames.size() <= ScoringServerConfig.defaults().maxFrames()) {
            frames.add(frames.get(0));
        }
        assertError(post(tooMany.toString()), 400, "at most 64");
        assertError(post(framesBody(c, "paint me something", false).toString()), 400, "prompt cannot be scored");
        ObjectNode badAudio = framesBody(c, c.prompt(), false).put("audio", "bm90IGEgd2F2");
        assertError(post(badAudio.toString()), 400, "field 'audio' is not a base64 WAV");
    }

    @Test
    void healthAndWrongMethodsAndPaths() throws Exception {
        HttpResponse<String> h = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/healthz")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(h.body()).get("status").asText()).isEqualTo("ok");
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v1/score")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(get, 405, "use POST");
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v2/nothing")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(missing, 404, "no such path");
    }

    @Test
    void aBodyPastTheLimitIsA413() throws Exception {
        try (ScoringServer small = ScoringServer.start(new ScoringServerConfig("127.0.0.1", 0, 2048, 4, 1,
                io.tessera.reward.RewardConfig.DEFAULT), WorldClips.tokenizers())) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + small.port() + "/v1/score"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"pad\":\"" + "x".repeat(4096) + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertError(r, 413, "max-body-bytes 2048");
        }
    }

    static void assertError(HttpResponse<String> r, int status, String reason) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains(reason);
    }
}
