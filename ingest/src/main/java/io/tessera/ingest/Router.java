package io.tessera.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small router: routes are (method, path pattern with {@code {param}} segments, handler), tried in order.
 * An unknown path is a 404, a known path with another method a 405 with {@code Allow}. Every
 * {@link ApiException} becomes its status with {@code {"error", "field", ...details}} and its headers; anything
 * else is a 500 that is logged.
 *
 * <p>Every route under {@value #PROTECTED_PREFIX} needs an API key: between matching the route and calling its
 * handler the router asks the {@link Authenticator} for the caller's tenant and answers 401 (with {@code
 * WWW-Authenticate}) without one; the handler sees the tenant as {@link HttpCall#tenant()}. Each answered call is
 * counted in {@link Metrics} by method, route template and status code.
 */
final class Router implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    /** Routes under this prefix need an API key. */
    static final String PROTECTED_PREFIX = "/v1/";
    static final String WWW_AUTHENTICATE = "Bearer realm=\"tessera\"";

    /** What a route does with a matched call. Returns normally once it has answered (or handed the call off). */
    @FunctionalInterface
    interface Handler {
        void handle(HttpCall call) throws IOException;
    }

    /** The tenant of the key an exchange presents, if it presents a valid one. */
    @FunctionalInterface
    interface Authenticator {
        Optional<String> tenant(HttpExchange exchange);
    }

    /** A route as served: its method and path template. */
    record RouteInfo(String method, String path) {}

    private record Route(String method, String path, Pattern pattern, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();
    private final Authenticator auth;
    private final Metrics metrics;

    /** A router whose routes need no key (for tests of single endpoints); the gateway always passes one. */
    Router() {
        this(null, new Metrics());
    }

    /** @param auth who the caller is; routes under {@value #PROTECTED_PREFIX} need a tenant from it */
    Router(Authenticator auth, Metrics metrics) {
        this.auth = auth;
        this.metrics = metrics;
    }

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
        routes.add(new Route(method, path, Pattern.compile(regex.append('$').toString()), handler));
        return this;
    }

    /** The routes served, in order. */
    List<RouteInfo> routes() {
        return routes.stream().map(r -> new RouteInfo(r.method, r.path)).toList();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        Set<String> allowed = new TreeSet<>();
        String template = "unmatched";
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
                template = r.path;
                String tenant = authenticate(exchange, r);
                List<String> params = new ArrayList<>();
                for (int g = 1; g <= m.groupCount(); g++) {
                    params.add(m.group(g));
                }
                r.handler.handle(new HttpCall(exchange, params, tenant));
                int code = exchange.getResponseCode();
                metrics.request(method, template, code < 0 ? 200 : code); // < 0: a stream handed to its thread
                return;
            }
            if (!allowed.isEmpty()) {
                throw new ApiException(405, method + " is not allowed on " + path + "; use "
                        + String.join(" or ", allowed), null).header("Allow", String.join(", ", allowed));
            }
            throw new ApiException(404, "no such endpoint: " + path, null);
        } catch (ApiException e) {
            answer(exchange, e);
            metrics.request(method, template, e.status());
            if (e.status() == 429) {
                metrics.rejected(String.valueOf(e.details().getOrDefault("reason", "unknown")));
            }
        } catch (IOException e) {
            LOG.debug("I/O error on {} {}: {}", method, path, e.toString());
            exchange.close();
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", method, path, e);
            answer(exchange, new ApiException(500, "internal error: " + e.getClass().getSimpleName(), null));
            metrics.request(method, template, 500);
        }
    }

    /** The caller's tenant for a protected route (401 without a valid key); null for an open one. */
    private String authenticate(HttpExchange exchange, Route r) {
        if (auth == null || !r.path.startsWith(PROTECTED_PREFIX)) {
            return null;
        }
        boolean presented = exchange.getRequestHeaders().containsKey("Authorization")
                || exchange.getRequestHeaders().containsKey("X-API-Key");
        return auth.tenant(exchange).orElseThrow(() -> new ApiException(401, presented
                ? "the API key is not valid"
                : "an API key is required: send 'Authorization: Bearer <key>' (or 'X-API-Key: <key>')", null)
                .header("WWW-Authenticate", presented ? WWW_AUTHENTICATE + ", error=\"invalid_token\""
                        : WWW_AUTHENTICATE));
    }

    private static void answer(HttpExchange exchange, ApiException e) {
        try {
            e.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            ObjectNode body = Json.error(e.getMessage(), e.field());
            for (Map.Entry<String, Object> d : e.details().entrySet()) {
                body.set(d.getKey(), Json.MAPPER.valueToTree(d.getValue()));
            }
            new HttpCall(exchange, List.of(), null).sendJson(e.status(), body);
        } catch (IOException | RuntimeException x) {
            // Headers may already be sent (a stream that failed half way); nothing more can be said.
            LOG.debug("could not answer {}: {}", e.status(), x.toString());
            exchange.close();
        }
    }
}
