package io.tessera.ingest.dashboard;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard page's files, read once from the classpath and served as they are: {@value #INDEX} at {@code /},
 * every file at {@value #ASSET_PREFIX}{@code <name>}. Each answer carries a Content-Security-Policy that allows
 * only the gateway's own origin (images and audio also as {@code data:} and {@code blob:} URLs, which is how the
 * page shows decoded frames), and a strong ETag so a reload costs a 304. Thread-safe.
 */
public final class DashboardAssets {

    /** The page itself. */
    public static final String INDEX = "index.html";
    /** Where the page's files are served (the page links them from here). */
    public static final String ASSET_PREFIX = "/dashboard/";
    /** Classpath folder of the files. */
    static final String RESOURCE_DIR = "/io/tessera/ingest/dashboard/";
    /** The files served and their content types. */
    static final Map<String, String> TYPES = Map.of(
            INDEX, "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");
    /**
     * Only this origin: the page loads nothing from elsewhere, runs no inline script, and cannot be framed. Frames
     * arrive as base64 PNG ({@code data:}), assembled audio plays from a {@code blob:} URL.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; media-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private record Asset(String type, byte[] bytes, String etag) {}

    private final Map<String, Asset> assets;

    private DashboardAssets(Map<String, Asset> assets) {
        this.assets = Map.copyOf(assets);
    }

    /**
     * Reads every file from the classpath.
     *
     * @throws IllegalStateException if one is missing (a packaging error: the jar lacks the dashboard resources)
     */
    public static DashboardAssets load() {
        Map<String, Asset> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : TYPES.entrySet()) {
            String path = RESOURCE_DIR + e.getKey();
            try (InputStream in = DashboardAssets.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("the dashboard file " + path + " is not on the classpath;"
                            + " rebuild the ingest module (mvn -pl ingest install)");
                }
                byte[] bytes = in.readAllBytes();
                loaded.put(e.getKey(), new Asset(e.getValue(), bytes, etag(bytes)));
            } catch (IOException x) {
                throw new IllegalStateException("cannot read the dashboard file " + path + ": " + x.getMessage(), x);
            }
        }
        return new DashboardAssets(loaded);
    }

    /** The names of the files served. */
    public Set<String> names() {
        return assets.keySet();
    }

    /** Answers with the page ({@code GET /}). */
    public void serveIndex(HttpExchange exchange) throws IOException {
        serve(exchange, INDEX);
    }

    /**
     * Answers with one file: 200 with its bytes, 304 when {@code If-None-Match} names its ETag, 404 (JSON error,
     * like the gateway's) for a name that is not one of {@link #names()}.
     */
    public void serve(HttpExchange exchange, String name) throws IOException {
        Asset asset = name == null ? null : assets.get(name);
        if (asset == null) {
            HttpAnswers.error(exchange, 404, "no such dashboard file: " + name + "; the files are "
                    + assets.keySet().stream().sorted().toList(), null);
            return;
        }
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cache-Control", "no-cache");
        headers.set("ETag", asset.etag());
        String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
        if (ifNoneMatch != null && ifNoneMatch.contains(asset.etag())) {
            exchange.sendResponseHeaders(304, -1);
            exchange.close();
            return;
        }
        headers.set("Content-Type", asset.type());
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(200, head ? -1 : asset.bytes().length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(asset.bytes());
            }
        }
        exchange.close();
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** For tests: a file's bytes as served. */
    String text(String name) {
        return new String(assets.get(name).bytes(), StandardCharsets.UTF_8);
    }
}
