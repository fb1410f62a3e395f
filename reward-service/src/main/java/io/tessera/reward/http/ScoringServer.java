package io.tessera.reward.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.reward.ClipDecoder;
import io.tessera.reward.Reward;
import io.tessera.reward.RewardResult;
import io.tessera.reward.score.ScoringException;
import io.tessera.reward.score.ScoringInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorers over HTTP, for generators outside Flink (JDK {@code HttpServer}, loopback by default).
 * <ul>
 *   <li>{@code POST /v1/score}: {@code {task, prompt, frames: [base64 PNG...], audio: base64 WAV}} or
 *       {@code {task, prompt, tokens: [...]}} -> {@code {total, components: {...}, scorerVersion, details}};
 *       400 {@code {"error": reason}} for bad input, 413 past {@code max-body-bytes}.
 *   <li>{@code GET /healthz}: {@code {"status": "ok", "scorerVersion": ...}}.
 * </ul>
 * {@code main}: {@code --port 8091 [--host 127.0.0.1] [--weight.adherence 0.6 ...]}.
 */
public final class ScoringServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer http;
    private final ExecutorService pool;
    private final Reward reward;
    private final ClipDecoder decoder;
    private final ScoringServerConfig config;

    private ScoringServer(HttpServer http, ExecutorService pool, Reward reward, ClipDecoder decoder,
            ScoringServerConfig config) {
        this.http = http;
        this.pool = pool;
        this.reward = reward;
        this.decoder = decoder;
        this.config = config;
    }

    /** Starts the service with the shipped tokenizers (for token requests). */
    public static ScoringServer start(ScoringServerConfig config) throws IOException {
        return start(config, Tokenizers.loadDefault());
    }

    public static ScoringServer start(ScoringServerConfig config, Tokenizers tokenizers) throws IOException {
        Reward reward = Reward.of(config.reward());
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 0);
        } catch (IOException e) {
            reward.close();
            throw e;
        }
        ExecutorService pool = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "scoring-http");
            t.setDaemon(true);
            return t;
        });
        ScoringServer server = new ScoringServer(http, pool, reward, new ClipDecoder(tokenizers), config);
        http.createContext("/v1/score", server::score);
        http.createContext("/healthz", server::health);
        http.createContext("/", ex -> server.reply(ex, 404, error("no such path: " + ex.getRequestURI().getPath()
                + " (POST /v1/score, GET /healthz)")));
        http.setExecutor(pool);
        http.start();
        LOG.info("scoring service on http://{}:{} ({})", config.host(), server.port(), reward.version());
        return server;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public String scorerVersion() {
        return reward.version();
    }

    private void health(HttpExchange ex) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("status", "ok").put("scorerVersion", reward.version());
        reply(ex, "GET".equals(ex.getRequestMethod()) ? 200 : 405, body);
    }

    private void score(HttpExchange ex) throws IOException {
        try {
            if (!"POST".equals(ex.getRequestMethod())) {
                throw new BadRequest(405, "use POST for /v1/score");
            }
            byte[] bytes = readBody(ex.getRequestBody(), config.maxBodyBytes());
            JsonNode body;
            try {
                body = JSON.readTree(bytes);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw BadRequest.of("body is not JSON: " + e.getOriginalMessage());
            }
            ScoringInput input = ScoreRequests.parse(body, decoder, config.maxFrames());
            RewardResult r;
            try {
                r = reward.score(input);
            } catch (ScoringException e) {
                throw BadRequest.of(e.getMessage());
            }
            ObjectNode out = JSON.createObjectNode();
            out.put("total", r.total());
            ObjectNode components = out.putObject("components");
            r.components().forEach(components::put);
            out.put("scorerVersion", r.scorerVersion());
            ObjectNode details = out.putObject("details");
            r.details().forEach(details::put);
            out.put("frames", input.frames().size());
            reply(ex, 200, out);
        } catch (BadRequest e) {
            reply(ex, e.status, error(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("scoring failed", e);
            reply(ex, 500, error("scoring failed: " + e));
        }
    }

    /** The body, or a 413 naming the limit once it is passed (never reads more than limit + 1 bytes). */
    static byte[] readBody(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        if (bytes.length > limit) {
            throw new BadRequest(413, "body is larger than max-body-bytes " + limit);
        }
        return bytes;
    }

    private static ObjectNode error(String reason) {
        return JSON.createObjectNode().put("error", reason);
    }

    private void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdown();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reward.close();
    }

    /** {@code --port P [--host H] [--weight.KEY W ...]}; runs until the process is stopped. */
    public static void main(String[] args) throws Exception {
        ScoringServer server = start(ScoringServerConfig.fromArgs(args));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "scoring-http-stop"));
        System.out.println("scoring service on http://" + server.config.host() + ":" + server.port()
                + " (POST /v1/score, GET /healthz), " + server.scorerVersion());
        Thread.currentThread().join();
    }

}
