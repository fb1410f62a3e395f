package io.tessera.ingest.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The page's files as served by a real JDK HTTP server, and what they may (not) load. */
class DashboardAssetsTest {

    static final DashboardAssets ASSETS = DashboardAssets.load();
    static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";
    static HttpServer server;
    static URI base;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/")) {
                ASSETS.serveIndex(ex);
            } else {
                ASSETS.serve(ex, path.substring(DashboardAssets.ASSET_PREFIX.length()));
            }
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePageAndEachFileWithItsTypeAndAStrictPolicy() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>Tessera dashboard</title>");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "*"));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        assertThat(get("/dashboard/app.js").headers().firstValue("Content-Type"))
                .hasValue("text/javascript; charset=utf-8");
        assertThat(get("/dashboard/style.css").headers().firstValue("Content-Type"))
                .hasValue("text/css; charset=utf-8");
        assertThat(get("/dashboard/app.js").body()).isEqualTo(ASSETS.text("app.js"));
    }

    @Test
    void aKnownEtagGets304AndAnUnknownFileA404NamingTheFiles() throws Exception {
        String etag = get("/dashboard/style.css").headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = get("/dashboard/style.css", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();

        HttpResponse<String> missing = get("/dashboard/secrets.txt");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(missing.body()).contains("no such dashboard file: secrets.txt").contains("app.js");
        assertThat(get("/dashboard/..%2Fapp.js").statusCode()).isEqualTo(404);
    }

    /** Everything the page links is one of the served files; nothing comes from another origin. */
    @Test
    void thePageLoadsOnlyItsOwnFiles() {
        String html = ASSETS.text(DashboardAssets.INDEX);
        Matcher links = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        int linked = 0;
        while (links.find()) {
            String target = links.group(1);
            if (target.startsWith("data:")) {
                continue;
            }
            assertThat(target).startsWith(DashboardAssets.ASSET_PREFIX);
            assertThat(ASSETS.names()).contains(target.substring(DashboardAssets.ASSET_PREFIX.length()));
            linked++;
        }
        assertThat(linked).isEqualTo(2);
        Pattern remote = Pattern.compile("(?i:(https?:)?//[a-z0-9.-]+\\.[a-z]{2,})|@import|url\\(");
        for (String name : ASSETS.names()) {
            // The SVG namespace is a name, not a place: createElementNS needs it and nothing is fetched from it.
            String text = ASSETS.text(name).replace("'" + SVG_NAMESPACE + "'", "");
            // Comments in app.js are the only place "//" may appear; none of them is followed by a host name.
            Matcher m = remote.matcher(text);
            assertThat(m.find() ? m.group() : null).as("%s references another origin", name).isNull();
        }
    }

    @Test
    void theScriptCallsOnlyTheGatewaysOwnApi() {
        String js = ASSETS.text("app.js");
        Matcher calls = Pattern.compile("fetch\\(\\s*[`'\"]([^`'\"$?]*)").matcher(js);
        int n = 0;
        while (calls.find()) {
            assertThat(calls.group(1)).startsWith("/v1/");
            n++;
        }
        assertThat(n).isGreaterThanOrEqualTo(5);
        assertThat(js).doesNotContain("new EventSource", "eval(", "innerHTML");
    }
}
