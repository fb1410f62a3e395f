package io.tessera.ingest.dashboard;

import com.sun.net.httpserver.HttpExchange;
import io.tessera.ingest.status.Figures;
import io.tessera.ingest.status.StatusUnavailableException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code GET /v1/figures[?lookback=SECONDS]}: the dashboard's series (tokens/s, time to first token p50/p99, dead
 * letters, active requests per window, mean reward per policy version) as the status store's {@link Figures} JSON.
 * {@code lookback} is whole seconds in [{@value #MIN_LOOKBACK_S}, {@value #MAX_LOOKBACK_S}], default
 * {@value #DEFAULT_LOOKBACK_S} (the store caps it at its retention). A bad or unknown parameter is a 400 naming it
 * and the limit; a store that cannot answer now (starting, rebalancing, not running in this gateway) is a 503 with
 * {@code Retry-After}. Mounted by the gateway under {@code /v1/}, so it needs an API key like the rest of the API.
 */
public final class FiguresEndpoint {

    /** Where the gateway serves it. */
    public static final String PATH = "/v1/figures";
    public static final int DEFAULT_LOOKBACK_S = 600;
    public static final int MIN_LOOKBACK_S = 10;
    public static final int MAX_LOOKBACK_S = 7 * 24 * 3600;
    /** What a 503 tells the client to wait, seconds. */
    static final int RETRY_AFTER_S = 2;

    /** Where the figures come from: {@code StatusService::figures} in the gateway. */
    @FunctionalInterface
    public interface Source {
        /**
         * @throws IllegalArgumentException   for a lookback the source refuses
         * @throws StatusUnavailableException when it cannot answer now
         */
        Figures figures(Duration lookback);
    }

    private final Source source;

    /** @param source the status store's figures, or null when this gateway runs none (every call is then a 503) */
    public FiguresEndpoint(Source source) {
        this.source = source;
    }

    public void handle(HttpExchange exchange) throws IOException {
        int lookbackS;
        try {
            lookbackS = lookbackSeconds(exchange.getRequestURI().getRawQuery());
        } catch (BadParameter e) {
            HttpAnswers.error(exchange, 400, e.getMessage(), e.name);
            return;
        }
        if (source == null) {
            unavailable(exchange, "the status store does not run in this gateway, so there are no figures");
            return;
        }
        Figures figures;
        try {
            figures = source.figures(Duration.ofSeconds(lookbackS));
        } catch (StatusUnavailableException e) {
            unavailable(exchange, e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            HttpAnswers.error(exchange, 400, e.getMessage(), "lookback");
            return;
        }
        HttpAnswers.json(exchange, 200, figures.toJson());
    }

    private static void unavailable(HttpExchange exchange, String why) throws IOException {
        exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_S));
        HttpAnswers.error(exchange, 503, why, null);
    }

    /** The lookback a query string asks for; the default when it names none. */
    static int lookbackSeconds(String rawQuery) {
        int lookback = DEFAULT_LOOKBACK_S;
        if (rawQuery == null || rawQuery.isEmpty()) {
            return lookback;
        }
        boolean seen = false;
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!name.equals("lookback")) {
                throw new BadParameter(name, "unknown query parameter '" + name + "'; expected lookback");
            }
            if (seen) {
                throw new BadParameter(name, "lookback appears twice");
            }
            seen = true;
            String range = "[" + MIN_LOOKBACK_S + ", " + MAX_LOOKBACK_S + "]";
            long v;
            try {
                v = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new BadParameter(name, "lookback must be whole seconds in " + range + ", got '" + value + "'");
            }
            if (v < MIN_LOOKBACK_S || v > MAX_LOOKBACK_S) {
                throw new BadParameter(name, "lookback must be whole seconds in " + range + ", got " + v);
            }
            lookback = (int) v;
        }
        return lookback;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadParameter(s, "query parameter is not URL-encoded properly: " + s);
        }
    }

    /** A query parameter the endpoint refuses (400 naming it). */
    static final class BadParameter extends IllegalArgumentException {
        final String name;

        BadParameter(String name, String message) {
            super(message);
            this.name = name;
        }
    }
}
