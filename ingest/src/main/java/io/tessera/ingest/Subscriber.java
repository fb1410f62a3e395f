package io.tessera.ingest;

import java.util.ArrayDeque;

/**
 * The live queue of one SSE client, bounded in events and bytes. The hub offers events; the client's stream
 * thread polls them. When the client falls too far behind, the queue is dropped at once (so a slow client never
 * holds memory) and the stream ends with an {@code error} event.
 */
final class Subscriber {

    enum State { OPEN, OVERFLOWED, CLOSED }

    private final String requestId;
    private final int maxEvents;
    private final long maxBytes;
    private final ArrayDeque<SseEvent> queue = new ArrayDeque<>();
    private long bytes;
    private State state = State.OPEN;

    Subscriber(String requestId, int maxEvents, long maxBytes) {
        this.requestId = requestId;
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    String requestId() {
        return requestId;
    }

    /** Queues an event; false (and the queue emptied) if that would pass a bound or the subscriber is not open. */
    synchronized boolean offer(SseEvent e) {
        if (state != State.OPEN) {
            return false;
        }
        if (queue.size() + 1 > maxEvents || bytes + e.size() > maxBytes) {
            state = State.OVERFLOWED;
            queue.clear();
            bytes = 0;
            notifyAll();
            return false;
        }
        queue.addLast(e);
        bytes += e.size();
        notifyAll();
        return true;
    }

    /** The next event, or null after {@code timeoutMs} with nothing queued, or at once when not open. */
    synchronized SseEvent poll(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (queue.isEmpty() && state == State.OPEN) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000L));
        }
        SseEvent e = queue.pollFirst();
        if (e != null) {
            bytes -= e.size();
        }
        return e;
    }

    synchronized State state() {
        return state;
    }

    /** Ends the subscription (gateway shutting down); a waiting poll returns. */
    synchronized void close() {
        if (state == State.OPEN) {
            state = State.CLOSED;
        }
        queue.clear();
        bytes = 0;
        notifyAll();
    }

    synchronized int queuedEvents() {
        return queue.size();
    }
}
