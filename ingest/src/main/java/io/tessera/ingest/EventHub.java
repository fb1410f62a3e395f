package io.tessera.ingest;

import io.tessera.records.GenerationCompleted;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.TokenChunk;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans result records out by requestId to SSE subscribers. Each request has a {@link RequestLog}: events get a
 * dense per-request id, duplicates (same chunk identity) are dropped, and recent events are kept so a client that
 * subscribes just after its POST, or reconnects, misses nothing. Bounded everywhere: at most {@code maxRequests}
 * logs and {@code maxBytes} of events in all (least recently active request evicted first; requests with live
 * subscribers are kept), {@code maxBytesPerRequest} per log (oldest events dropped first), and a bounded queue per
 * subscriber. When every sample of a request is finished the hub appends {@code done}.
 */
final class EventHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);

    /**
     * A new subscriber's view: the retained events after {@code lastEventId}, then the live queue.
     * {@code ended}: the request was already done, so the replay is all there is and the live queue stays empty.
     */
    record Subscription(List<SseEvent> replay, Subscriber live, boolean ended) {}

    private final int maxRequests;
    private final long maxBytes;
    private final long maxBytesPerRequest;
    private final int queueEvents;
    private final long queueBytes;
    /** Access-ordered: iteration starts at the least recently active request. */
    private final LinkedHashMap<String, RequestLog> logs = new LinkedHashMap<>(64, 0.75f, true);
    private long totalBytes;
    private boolean closed;
    private java.util.function.Consumer<String> finishedListener = id -> { };

    EventHub(int maxRequests, long maxBytes, long maxBytesPerRequest, int queueEvents, long queueBytes) {
        this.maxRequests = maxRequests;
        this.maxBytes = maxBytes;
        this.maxBytesPerRequest = maxBytesPerRequest;
        this.queueEvents = queueEvents;
        this.queueBytes = queueBytes;
    }

    static EventHub of(GatewayConfig cfg) {
        return new EventHub(cfg.replayRequests(), cfg.replayBytes(), cfg.replayBytesPerRequest(),
                cfg.subscriberQueueEvents(), cfg.subscriberQueueBytes());
    }

    /**
     * Tells {@code listener} (once per request, under the hub's lock, so it must be quick and must not call the
     * hub) when a request finished: {@code done}, or every sample has its {@code GenerationCompleted} whatever the
     * reason (cancelled and failed samples included).
     */
    synchronized void onFinished(java.util.function.Consumer<String> listener) {
        this.finishedListener = listener;
    }

    /** Announces a request posted through this gateway, whose sample count is therefore known before any result. */
    synchronized void expect(String requestId, int samples) {
        RequestLog log = log(requestId);
        log.expectedSamples = samples;
        evict(log);
    }

    /** Forgets a request whose POST failed (nothing was accepted, nothing will come). */
    synchronized void forget(String requestId) {
        RequestLog log = logs.get(requestId);
        if (log != null && log.events.isEmpty() && log.subscribers.isEmpty()) {
            logs.remove(requestId);
        }
    }

    synchronized void onToken(TokenChunk c) {
        RequestLog log = log(c.getRequestId());
        RequestLog.SampleProgress p = log.sample(c.getSampleIndex());
        if (c.getSeq() < 0 || p.tokenSeqs.get(c.getSeq())) {
            return; // a chunk seen before (redelivery after a job restart)
        }
        p.tokenSeqs.set(c.getSeq());
        p.finalToken |= c.getFinal$();
        append(log, SseEvent.TOKEN, EventJson.token(c));
    }

    synchronized void onMedia(MediaChunk m) {
        RequestLog log = log(m.getRequestId());
        RequestLog.SampleProgress p = log.sample(m.getSampleIndex());
        boolean frame = m.getKind() == MediaKind.VIDEO_FRAME;
        java.util.BitSet seen = frame ? p.frames : p.audio;
        if (m.getIndex() < 0 || seen.get(m.getIndex())) {
            return;
        }
        seen.set(m.getIndex());
        p.finalMedia |= m.getFinal$();
        append(log, frame ? SseEvent.FRAME : SseEvent.AUDIO, frame ? EventJson.frame(m) : EventJson.audio(m));
    }

    synchronized void onCompleted(GenerationCompleted g) {
        RequestLog log = log(g.getRequestId());
        RequestLog.SampleProgress p = log.sample(g.getSampleIndex());
        if (p.completed != null) {
            return;
        }
        p.completed = g.getFinishReason();
        if (log.expectedSamples <= 0) {
            log.expectedSamples = Math.max(1, g.getSamples());
        }
        append(log, SseEvent.COMPLETED, EventJson.completed(g));
        notifyIfFinished(log);
    }

    /**
     * A dead letter of a request this hub follows, from {@code tessera.prompts} (the request itself was refused or
     * dropped by a job: validation, conditioning, the engine): its stream gets {@code failed} with the reason,
     * then {@code done}, and its slot is freed. Without it the stream would wait for results that never come.
     * Dead letters of other sources (one bad media chunk, a reward that could not be computed) do not end a stream.
     */
    synchronized void onDeadLetter(io.tessera.records.DeadLetter d) {
        String requestId = d.getRequestId();
        if (requestId == null || !io.tessera.schemas.Topics.PROMPTS.name().equals(d.getSourceTopic())) {
            return;
        }
        RequestLog log = logs.get(requestId);
        if (log == null || log.done) {
            return; // not followed here (or evicted), or already over
        }
        publish(log, new SseEvent(log.nextId++, SseEvent.FAILED, EventJson.failed(d)));
        log.done = true;
        publish(log, new SseEvent(log.nextId++, SseEvent.DONE, EventJson.done(log.requestId, log.expectedSamples)));
        log.subscribers.clear(); // they have done queued; their streams end after writing it
        notifyIfFinished(log);
        evict(log);
    }

    private void notifyIfFinished(RequestLog log) {
        if (!log.finishNotified && (log.done || log.allCompleted())) {
            log.finishNotified = true;
            try {
                finishedListener.accept(log.requestId);
            } catch (RuntimeException e) {
                LOG.warn("finished listener failed for {}", log.requestId, e);
            }
        }
    }

    /**
     * Subscribes to a request's events: the retained ones with an id above {@code lastEventId} (-1 for all), then
     * live ones. Replay and registration happen under one lock, so nothing is missed or repeated in between.
     */
    synchronized Subscription subscribe(String requestId, long lastEventId) {
        RequestLog log = log(requestId);
        List<SseEvent> replay = new ArrayList<>();
        long firstRetained = log.events.isEmpty() ? log.nextId : log.events.peekFirst().id();
        if (lastEventId >= 0 && (firstRetained > lastEventId + 1 || lastEventId >= log.nextId)) {
            // Resuming after events this gateway no longer holds (evicted, or a restarted gateway numbering anew):
            // say so rather than silently losing or repeating events.
            replay.add(new SseEvent(-1, SseEvent.GAP, Json.write(Json.object().put("requestId", requestId)
                    .put("lastEventId", lastEventId).put("firstRetained", firstRetained).put("next", log.nextId)
                    .put("message", "events after " + lastEventId + " before " + firstRetained
                            + " are no longer retained by the gateway"))));
        }
        for (SseEvent e : log.events) {
            if (e.id() > lastEventId) {
                replay.add(e);
            }
        }
        Subscriber live = new Subscriber(requestId, queueEvents, queueBytes);
        if (closed) {
            live.close();
        } else if (!log.done) {
            log.subscribers.add(live);
        }
        evict(log);
        return new Subscription(replay, live, log.done);
    }

    synchronized void unsubscribe(Subscriber s) {
        RequestLog log = logs.get(s.requestId());
        if (log != null) {
            log.subscribers.remove(s);
        }
    }

    synchronized int retainedRequests() {
        return logs.size();
    }

    synchronized long retainedBytes() {
        return totalBytes;
    }

    /** Live subscribers of all requests. */
    synchronized int subscribers() {
        int n = 0;
        for (RequestLog log : logs.values()) {
            n += log.subscribers.size();
        }
        return n;
    }

    synchronized int subscribers(String requestId) {
        RequestLog log = logs.get(requestId);
        return log == null ? 0 : log.subscribers.size();
    }

    /** Ends every live subscription (gateway shutdown). */
    @Override
    public synchronized void close() {
        closed = true;
        for (RequestLog log : logs.values()) {
            log.subscribers.forEach(Subscriber::close);
            log.subscribers.clear();
        }
    }

    private RequestLog log(String requestId) {
        RequestLog log = logs.get(requestId);
        if (log == null) {
            log = new RequestLog(requestId);
            logs.put(requestId, log);
        }
        return log;
    }

    private void append(RequestLog log, String name, String data) {
        if (log.done) {
            LOG.debug("{} event for {} after done; dropped", name, log.requestId);
            return;
        }
        publish(log, new SseEvent(log.nextId++, name, data));
        if (log.allFinished()) {
            log.done = true;
            publish(log, new SseEvent(log.nextId++, SseEvent.DONE, EventJson.done(log.requestId,
                    log.expectedSamples)));
            log.subscribers.clear(); // they have done queued; their streams end after writing it
            notifyIfFinished(log);
        }
        evict(log);
    }

    private void publish(RequestLog log, SseEvent e) {
        log.events.addLast(e);
        log.bytes += e.size();
        totalBytes += e.size();
        while (log.bytes > maxBytesPerRequest && log.events.size() > 1) {
            SseEvent old = log.events.pollFirst();
            log.bytes -= old.size();
            totalBytes -= old.size();
        }
        for (Iterator<Subscriber> it = log.subscribers.iterator(); it.hasNext(); ) {
            Subscriber s = it.next();
            if (!s.offer(e)) {
                LOG.info("SSE client of {} fell behind by more than its queue bound; dropping it", log.requestId);
                it.remove();
            }
        }
    }

    /** Drops the least recently active logs without subscribers until the bounds hold. */
    private void evict(RequestLog current) {
        for (Iterator<Map.Entry<String, RequestLog>> it = logs.entrySet().iterator();
                it.hasNext() && (logs.size() > maxRequests || totalBytes > maxBytes); ) {
            RequestLog log = it.next().getValue();
            if (log == current || !log.subscribers.isEmpty()) {
                continue;
            }
            totalBytes -= log.bytes;
            it.remove();
        }
    }
}
