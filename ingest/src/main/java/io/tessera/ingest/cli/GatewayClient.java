package io.tessera.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.ingest.auth.ApiKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The gateway as the CLI commands see it: the base URL, the API key (from {@code TESSERA_API_KEY} or
 * {@code <data dir>/api-key}, sent as {@code Authorization: Bearer}), and one mapping from HTTP answers to exit
 * codes and one-line messages.
 */
final class GatewayClient {

    static final String DEFAULT_GATEWAY = "http://127.0.0.1:8080";
    static final String DEFAULT_DATA_DIR = ".tessera";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** The options every gateway command takes, for {@code --help}. */
    static final String OPTIONS_HELP = """
              --gateway URL        the gateway (default: %s)
              --data-dir DIR       where 'tessera up' keeps its data and the API key (default: %s);
                                   the key in $%s wins
            """.formatted(DEFAULT_GATEWAY, DEFAULT_DATA_DIR, ApiKeys.ENV_CLIENT_KEY);

    /**
     * An answer: status code, body text, the body as JSON (an empty object if it is not JSON), and the
     * {@code Retry-After} header (null if none).
     */
    record Response(int status, String body, JsonNode json, String retryAfter) {
        String error() {
            return json.path("error").asText(body.isBlank() ? "no details" : body.strip());
        }
    }

    private final URI base;
    private final Optional<String> key;
    private final Path dataDir;
    private final HttpClient http;

    GatewayClient(URI base, Path dataDir, Optional<String> key) {
        this.base = base;
        this.dataDir = dataDir;
        this.key = key;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /** From {@code --gateway} and {@code --data-dir}; finds the key. */
    static GatewayClient of(CliArgs args) throws UsageException, CommandFailure {
        URI base = gatewayUri(args.get("gateway", DEFAULT_GATEWAY));
        Path dataDir = Path.of(args.get("data-dir", DEFAULT_DATA_DIR));
        try {
            return new GatewayClient(base, dataDir, ApiKeys.findClientKey(dataDir));
        } catch (UncheckedIOException e) {
            throw new CommandFailure(ExitCodes.UNAUTHORIZED, e.getMessage() + "; fix its permissions or set $"
                    + ApiKeys.ENV_CLIENT_KEY);
        }
    }

    static URI gatewayUri(String s) throws UsageException {
        try {
            URI u = new URI(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new UsageException("--gateway must be an http(s) URL like " + DEFAULT_GATEWAY + ", got " + s);
            }
            return u;
        } catch (URISyntaxException e) {
            throw new UsageException("--gateway is not a URL: " + s);
        }
    }

    URI base() {
        return base;
    }

    Optional<String> key() {
        return key;
    }

    HttpClient http() {
        return http;
    }

    URI resolve(String path) {
        return URI.create(base.toString() + path);
    }

    /** A path segment, percent-encoded (so an odd id reaches the gateway, which names what is wrong with it). */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A request builder with the API key set. */
    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(path)).timeout(REQUEST_TIMEOUT);
        key.ifPresent(k -> b.header("Authorization", "Bearer " + k));
        return b;
    }

    Response get(String path) throws CommandFailure {
        return send(request(path).header("Accept", "application/json").GET().build());
    }

    Response postJson(String path, JsonNode body) throws CommandFailure {
        String text;
        try {
            text = MAPPER.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(text)).build());
    }

    Response send(HttpRequest request) throws CommandFailure {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), json(r.body()),
                    r.headers().firstValue("Retry-After").orElse(null));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw unreachable();
        } catch (HttpTimeoutException e) {
            throw new CommandFailure(ExitCodes.FAILURE, "the gateway at " + base + " did not answer within "
                    + REQUEST_TIMEOUT.toSeconds() + " s; check that it is healthy (" + base + "/readyz)");
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException) {
                throw unreachable();
            }
            throw new CommandFailure(ExitCodes.UNREACHABLE, "the connection to the gateway at " + base
                    + " failed: " + e + "; check that it is running");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(ExitCodes.FAILURE, "interrupted");
        }
    }

    CommandFailure unreachable() {
        return new CommandFailure(ExitCodes.UNREACHABLE, "cannot reach the gateway at " + base
                + ": start it with bin/tessera up (or point --gateway at a running one)");
    }

    /** The failure an unsuccessful answer stands for; {@code what} names the thing asked for, e.g. "generation X". */
    CommandFailure failure(Response r, String what) {
        return switch (r.status()) {
            case 401 -> new CommandFailure(ExitCodes.UNAUTHORIZED, key.isEmpty()
                    ? "the gateway needs an API key (401) and none was found in $" + ApiKeys.ENV_CLIENT_KEY + " or "
                            + dataDir.resolve(ApiKeys.CLIENT_KEY_FILE) + ": run bin/tessera up (it writes one) or"
                            + " set $" + ApiKeys.ENV_CLIENT_KEY
                    : "the gateway does not accept this API key (401): check $" + ApiKeys.ENV_CLIENT_KEY + " or "
                            + dataDir.resolve(ApiKeys.CLIENT_KEY_FILE) + " (--data-dir)");
            case 403 -> new CommandFailure(ExitCodes.UNAUTHORIZED, what + " belongs to another tenant (403): use"
                    + " that tenant's API key");
            case 404 -> new CommandFailure(ExitCodes.NOT_FOUND, "no " + what + " (404): check the id (it is what"
                    + " tessera prompt printed)");
            case 400, 413, 415 -> new CommandFailure(ExitCodes.USAGE, "the gateway refused the request ("
                    + r.status() + (r.json().hasNonNull("field") ? ", " + r.json().get("field").asText() : "")
                    + "): " + r.error());
            case 429, 503 -> new CommandFailure(ExitCodes.FAILURE, "the gateway is busy (" + r.status() + "): "
                    + r.error() + "; retry " + (r.retryAfter() == null ? "shortly" : "in " + r.retryAfter() + " s"));
            default -> new CommandFailure(ExitCodes.FAILURE, "the gateway answered " + r.status() + ": "
                    + r.error());
        };
    }

    static JsonNode json(String text) {
        try {
            JsonNode n = MAPPER.readTree(text);
            return n == null || n.isMissingNode() ? MAPPER.createObjectNode() : n;
        } catch (IOException e) {
            return MAPPER.createObjectNode();
        }
    }
}
