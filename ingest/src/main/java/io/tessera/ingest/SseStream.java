package io.tessera.ingest;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one subscription to one HTTP response as {@code text/event-stream}: the replay, then live events, with a
 * keep-alive comment whenever nothing was sent for a while. Ends after {@code done}, with an {@code error} event
 * when the client fell behind or the gateway shuts down, or when the client goes away. Runs on its own thread
 * from the gateway's bounded stream pool.
 */
final class SseStream implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SseStream.class);

    private final HttpExchange exchange;
    private final EventHub hub;
    private final EventHub.Subscription subscription;
    private final long keepAliveMs;

    SseStream(HttpExchange exchange, EventHub hub, EventHub.Subscription subscription, long keepAliveMs) {
        this.exchange = exchange;
        this.hub = hub;
        this.subscription = subscription;
        this.keepAliveMs = keepAliveMs;
    }

    @Override
    public void run() {
        Subscriber live = subscription.live();
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(SseEvent.comment("events of " + live.requestId()));
            for (SseEvent e : subscription.replay()) {
                write(out, e);
                if (e.terminal()) {
                    return;
                }
            }
            out.flush();
            if (subscription.ended()) {
                return;
            }
            while (true) {
                SseEvent e = live.poll(keepAliveMs);
                if (e != null) {
                    write(out, e);
                    if (e.terminal()) {
                        return;
                    }
                    continue;
                }
                switch (live.state()) {
                    case OVERFLOWED -> {
                        write(out, new SseEvent(-1, SseEvent.ERROR, EventJson.error(
                                "this client fell too far behind the stream; reconnect with Last-Event-ID")));
                        return;
                    }
                    case CLOSED -> {
                        write(out, new SseEvent(-1, SseEvent.ERROR, EventJson.error(
                                "the gateway is shutting down; reconnect with Last-Event-ID")));
                        return;
                    }
                    case OPEN -> {
                        out.write(SseEvent.comment("keep-alive"));
                        out.flush();
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("SSE client of {} went away: {}", live.requestId(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("SSE stream of {} failed", live.requestId(), e);
        } finally {
            hub.unsubscribe(live);
            exchange.close();
        }
    }

    private static void write(OutputStream out, SseEvent e) throws IOException {
        out.write(e.wire());
        out.flush();
    }
}
