package io.tessera.ingest.status;

import io.tessera.records.Cancel;
import io.tessera.records.DeadLetter;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.Reward;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.RecordDecodingException;
import io.tessera.schemas.Topics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes one record of any source topic and applies it: the request's status ({@link Transitions}), the
 * windowed figures and the gauges. A record that does not decode (or has no request id where one is needed) is
 * counted under {@code undecodable.<topic>} and skipped; it never stops the app.
 */
final class StatusProcessor implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(StatusProcessor.class);
    static final String ACTIVE = "active";
    static final String UNDECODABLE = "undecodable.";

    private final long windowMs;
    private ProcessorContext<Void, Void> context;
    /** This task's prefix of every key it writes to the task-keyed stores. */
    private String task;
    private KeyValueStore<String, GenerationStatus> statuses;
    private KeyValueStore<String, long[]> rewards;
    private KeyValueStore<String, Long> gauges;
    private WindowStore<String, Long> tokens;
    private WindowStore<String, Long> deadLetters;
    private WindowStore<String, Long> active;
    private WindowStore<String, long[]> ttft;

    StatusProcessor(long windowMs) {
        this.windowMs = windowMs;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.task = context.taskId().toString();
        statuses = context.getStateStore(StatusTopology.STATUS_STORE);
        rewards = context.getStateStore(StatusTopology.REWARD_STORE);
        gauges = context.getStateStore(StatusTopology.GAUGE_STORE);
        tokens = context.getStateStore(StatusTopology.TOKENS_STORE);
        deadLetters = context.getStateStore(StatusTopology.DLQ_STORE);
        active = context.getStateStore(StatusTopology.ACTIVE_STORE);
        ttft = context.getStateStore(StatusTopology.TTFT_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        long ts = record.timestamp();
        try {
            apply(topic, record.key(), record.value(), ts);
        } catch (RecordDecodingException | IllegalArgumentException e) {
            skip(topic, e.getMessage());
        }
    }

    private void apply(String topic, String key, byte[] value, long ts) {
        if (value == null) {
            skip(topic, "a null value (tombstone)");
            return;
        }
        if (topic.equals(Topics.PROMPTS.name())) {
            GenerationRequest r = Topics.PROMPTS.codec().decode(value);
            update(r.getRequestId(), ts, old -> Transitions.request(old, r, ts));
        } else if (topic.equals(Topics.TOKENS.name())) {
            TokenChunk c = Topics.TOKENS.codec().decode(value);
            add(tokens, ts, c.getTokens().size());
            update(c.getRequestId(), ts, old -> Transitions.tokens(old, c, ts));
        } else if (topic.equals(Topics.GENERATIONS.name())) {
            GenerationCompleted g = Topics.GENERATIONS.codec().decode(value);
            if (g.getTimeToFirstTokenMs() > 0) {
                long start = windowStart(ts);
                long[] h = ttft.fetch(task, start);
                ttft.put(task, LatencyHistogram.add(h == null ? LatencyHistogram.empty() : h,
                        g.getTimeToFirstTokenMs()), start);
            }
            update(g.getRequestId(), ts, old -> Transitions.completed(old, g, ts));
        } else if (topic.equals(Topics.REWARDS.name())) {
            Reward r = Topics.REWARDS.codec().decode(value);
            String k = task + "|" + r.getPolicyVersion();
            long[] sum = rewards.get(k);
            double total = (sum == null ? 0 : Double.longBitsToDouble(sum[1])) + r.getTotal();
            rewards.put(k, new long[] {(sum == null ? 0 : sum[0]) + 1, Double.doubleToLongBits(total)});
            update(r.getRequestId(), ts, old -> Transitions.reward(old, r, ts));
        } else if (topic.equals(Topics.CONTROL.name())) {
            Cancel c = Topics.CONTROL.codec().decode(value);
            update(c.getRequestId(), ts, old -> Transitions.cancel(old, c, ts));
        } else if (topic.equals(Topics.DLQ.name())) {
            DeadLetter dl = Topics.DLQ.codec().decode(value);
            add(deadLetters, ts, 1);
            String id = dl.getRequestId() != null ? dl.getRequestId() : key;
            if (id != null && !id.isEmpty()) {
                update(id, ts, old -> Transitions.deadLetter(old, id, dl, ts));
            }
        } else {
            skip(topic, "not a topic of the status topology");
        }
    }

    private void update(String requestId, long ts, java.util.function.UnaryOperator<GenerationStatus> change) {
        if (requestId == null || requestId.isEmpty()) {
            throw new IllegalArgumentException("the record has no request id");
        }
        GenerationStatus old = statuses.get(requestId);
        GenerationStatus now = change.apply(old);
        statuses.put(requestId, now);
        int delta = (Transitions.isActive(now) ? 1 : 0) - (Transitions.isActive(old) ? 1 : 0);
        long count = gauge(ACTIVE) + delta;
        if (delta != 0) {
            gauges.put(task + "|" + ACTIVE, count);
        }
        // The task's gauge as of this record, in the window of stream time (a late record does not rewrite the
        // past), so each window shows the count at its last record.
        active.put(task, count, windowStart(Math.max(ts, context.currentStreamTimeMs())));
    }

    private void skip(String topic, String why) {
        String k = task + "|" + UNDECODABLE + topic;
        long n = gauge(UNDECODABLE + topic) + 1;
        gauges.put(k, n);
        if (n == 1 || Long.bitCount(n) == 1) {  // 1, 2, 4, 8, ...: visible, never a flood
            LOG.warn("skipped a record of {} at {} ({} skipped so far on this task): {}", topic,
                    context.recordMetadata().map(m -> m.partition() + "@" + m.offset()).orElse("?"), n, why);
        }
    }

    private long gauge(String name) {
        Long v = gauges.get(task + "|" + name);
        return v == null ? 0 : v;
    }

    private void add(WindowStore<String, Long> store, long ts, long amount) {
        long start = windowStart(ts);
        Long v = store.fetch(task, start);
        store.put(task, (v == null ? 0 : v) + amount, start);
    }

    private long windowStart(long ts) {
        return ts - Math.floorMod(ts, windowMs);
    }
}
