package io.tessera.ingest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small router: routes are (method, path pattern with {@code {param}} segments, handler), tried in order.
 * An unknown path is a 404, a known path with another method a 405 with {@code Allow}. Every
 * {@link ApiException} becomes its status with {@code {"error", "field"}}; anything else is a 500 that is logged.
 * Cross-cutting checks that come later (API keys, tenant checks, admission) belong in {@link #handle} between
 * matching a route and calling its handler, so every route gets them.
 */
final class Router implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    /** What a route does with a matched call. Returns normally once it has answered (or handed the call off). */
    @FunctionalInterface
    interface Handler {
        void handle(HttpCall call) throws IOException;
    }

    private record Route(String method, Pattern pattern, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();

    /** Adds a route; {@code path} segments written {@code {name}} match one non-empty segment. */
    Router route(String method, String path, Handler handler) {
        StringBuilder regex = new StringBuilder("^");
        for (String segment : path.substring(1).split("/", -1)) {
            regex.append('/');
            if (segment.startsWith("{") && segment.endsWith("}")) {
                regex.append("([^/]+)");
            } else {
                regex.append(Pattern.quote(segment));
            }
        }
        routes.add(new Route(method, Pattern.compile(regex.append('$').toString()), handler));
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        Set<String> allowed = new TreeSet<>();
        try {
            for (Route r : routes) {
                Matcher m = r.pattern.matcher(path);
                if (!m.matches()) {
                    continue;
                }
                if (!r.method.equals(method)) {
                    allowed.add(r.method);
                    continue;
                }
                List<String> params = new ArrayList<>();
                for (int g = 1; g <= m.groupCount(); g++) {
                    params.add(m.group(g));
                }
                r.handler.handle(new HttpCall(exchange, params));
                return;
            }
            if (!allowed.isEmpty()) {
                exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
                throw new ApiException(405, method + " is not allowed on " + path + "; use "
                        + String.join(" or ", allowed), null);
            }
            throw new ApiException(404, "no such endpoint: " + path, null);
        } catch (ApiException e) {
            answer(exchange, e.status(), e.getMessage(), e.field());
        } catch (IOException e) {
            LOG.debug("I/O error on {} {}: {}", method, path, e.toString());
            exchange.close();
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", method, path, e);
            answer(exchange, 500, "internal error: " + e.getClass().getSimpleName(), null);
        }
    }

    private static void answer(HttpExchange exchange, int status, String message, String field) {
        try {
            new HttpCall(exchange, List.of()).sendJson(status, Json.error(message, field));
        } catch (IOException | RuntimeException e) {
            // Headers may already be sent (a stream that failed half way); nothing more can be said.
            LOG.debug("could not answer {}: {}", status, e.toString());
            exchange.close();
        }
    }
}
