package io.tessera.ingest;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/generations/{id}/events}: checks the id and {@code Last-Event-ID}, then hands the exchange to a
 * thread of its own from a pool of at most {@code maxEventStreams} (a full pool is a 503 with Retry-After), where
 * an {@link SseStream} writes the subscription until it ends.
 */
final class EventsEndpoint implements Router.Handler, AutoCloseable {

    /** Request ids the endpoint accepts: the gateway's UUIDs and other publishers' reasonable ids. */
    static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final EventHub hub;
    private final GatewayConfig cfg;
    private final ThreadPoolExecutor streams;

    EventsEndpoint(EventHub hub, GatewayConfig cfg) {
        this.hub = hub;
        this.cfg = cfg;
        this.streams = new ThreadPoolExecutor(0, cfg.maxEventStreams(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), Gateway.threads("tessera-gateway-sse"));
    }

    @Override
    public void handle(HttpCall call) {
        String id = call.pathParam(0);
        checkId(id);
        long lastEventId = lastEventId(call.header("Last-Event-ID"));
        try {
            streams.execute(() -> stream(call, id, lastEventId));
        } catch (RejectedExecutionException e) {
            call.exchange().getResponseHeaders().set("Retry-After", Integer.toString(Gateway.RETRY_AFTER_S));
            throw new ApiException(503, "too many event streams open (limit " + cfg.maxEventStreams()
                    + "); retry later", null);
        }
    }

    /** Event streams open now. */
    int openStreams() {
        return streams.getActiveCount();
    }

    /** 400 unless {@code id} is a request id the gateway accepts. */
    static void checkId(String id) {
        if (!REQUEST_ID.matcher(id).matches()) {
            throw ApiException.badField("id", "request id must match " + REQUEST_ID.pattern());
        }
    }

    private void stream(HttpCall call, String id, long lastEventId) {
        try {
            call.exchange().getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            call.exchange().getResponseHeaders().set("Cache-Control", "no-store");
            call.exchange().getResponseHeaders().set("X-Accel-Buffering", "no");
            call.exchange().sendResponseHeaders(200, 0);
        } catch (IOException e) {
            call.exchange().close();
            return;
        }
        new SseStream(call.exchange(), hub, hub.subscribe(id, lastEventId), cfg.keepAlive().toMillis()).run();
    }

    private static long lastEventId(String header) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badField("Last-Event-ID", "Last-Event-ID must be an event id (an integer)");
        }
    }

    /** Waits a little for the streams to write their last event (the hub must be closed first). */
    @Override
    public void close() {
        streams.shutdown();
        try {
            streams.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
