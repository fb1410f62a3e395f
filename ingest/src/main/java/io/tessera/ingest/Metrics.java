package io.tessera.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The gateway's figures in the Prometheus text format (version 0.0.4), served at {@code /metrics}: requests by
 * route and status code, requests in flight per tenant, open SSE streams and subscribers, the latency of publishing
 * to Kafka (a histogram), and admissions refused with 429. Counters are lock-free; gauges are read when scraped.
 */
final class Metrics {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Upper bounds of the publish latency buckets, seconds. */
    static final double[] PUBLISH_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private record RequestKey(String method, String route, int code) {}

    private final Map<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final LongAdder[] publishBuckets = new LongAdder[PUBLISH_BUCKETS.length];
    private final LongAdder publishCount = new LongAdder();
    private final LongAdder publishNanos = new LongAdder();
    private volatile Supplier<Map<String, Integer>> inFlight = Map::of;
    private volatile Supplier<Integer> subscribers = () -> 0;
    private volatile Supplier<Integer> streams = () -> 0;

    Metrics() {
        for (int i = 0; i < publishBuckets.length; i++) {
            publishBuckets[i] = new LongAdder();
        }
    }

    /** Where the gauges come from: in flight per tenant, live SSE subscribers, open event streams. */
    void gauges(Supplier<Map<String, Integer>> inFlightPerTenant, Supplier<Integer> sseSubscribers,
            Supplier<Integer> eventStreams) {
        this.inFlight = inFlightPerTenant;
        this.subscribers = sseSubscribers;
        this.streams = eventStreams;
    }

    /** One answered request; {@code route} is the route's template (e.g. {@code /v1/generations/{id}}). */
    void request(String method, String route, int code) {
        requests.computeIfAbsent(new RequestKey(method, route, code), k -> new LongAdder()).increment();
    }

    /** One request refused by admission control; {@code reason} is {@code tenant_limit} or {@code total_limit}. */
    void rejected(String reason) {
        rejected.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    /** One publish to Kafka (all records of a call, acknowledged), taking {@code nanos}. */
    void published(long nanos) {
        double s = nanos / 1e9;
        for (int i = 0; i < PUBLISH_BUCKETS.length; i++) {
            if (s <= PUBLISH_BUCKETS[i]) {
                publishBuckets[i].increment();
                break;
            }
        }
        publishCount.increment();
        publishNanos.add(nanos);
    }

    long requestCount(String method, String route, int code) {
        LongAdder a = requests.get(new RequestKey(method, route, code));
        return a == null ? 0 : a.sum();
    }

    /** The exposition text. */
    String render() {
        StringBuilder out = new StringBuilder(4096);
        header(out, "tessera_gateway_requests_total", "counter", "HTTP requests answered, by route and status code.");
        List<Map.Entry<RequestKey, LongAdder>> rs = new ArrayList<>(requests.entrySet());
        rs.sort((a, b) -> (a.getKey().route + a.getKey().method + a.getKey().code)
                .compareTo(b.getKey().route + b.getKey().method + b.getKey().code));
        for (Map.Entry<RequestKey, LongAdder> e : rs) {
            out.append("tessera_gateway_requests_total{method=\"").append(escape(e.getKey().method))
                    .append("\",route=\"").append(escape(e.getKey().route))
                    .append("\",code=\"").append(e.getKey().code).append("\"} ").append(e.getValue().sum())
                    .append('\n');
        }
        header(out, "tessera_gateway_in_flight", "gauge",
                "Requests accepted and not yet finished (done, cancelled, failed or expired), by tenant.");
        Map<String, Integer> byTenant = new TreeMap<>(inFlight.get());
        int total = 0;
        for (Map.Entry<String, Integer> e : byTenant.entrySet()) {
            out.append("tessera_gateway_in_flight{tenant=\"").append(escape(e.getKey())).append("\"} ")
                    .append(e.getValue()).append('\n');
            total += e.getValue();
        }
        header(out, "tessera_gateway_in_flight_total", "gauge", "Requests in flight, all tenants.");
        out.append("tessera_gateway_in_flight_total ").append(total).append('\n');
        header(out, "tessera_gateway_sse_subscribers", "gauge", "Live SSE subscribers of request event streams.");
        out.append("tessera_gateway_sse_subscribers ").append(subscribers.get()).append('\n');
        header(out, "tessera_gateway_event_streams", "gauge", "Open event-stream connections.");
        out.append("tessera_gateway_event_streams ").append(streams.get()).append('\n');
        header(out, "tessera_gateway_rejected_total", "counter",
                "Requests refused with 429 by admission control, by reason.");
        for (String reason : new TreeMap<>(rejected).keySet()) {
            out.append("tessera_gateway_rejected_total{reason=\"").append(escape(reason)).append("\"} ")
                    .append(rejected.get(reason).sum()).append('\n');
        }
        header(out, "tessera_gateway_publish_seconds", "histogram",
                "Time to publish a call's records to Kafka until every acknowledgement (acks=all).");
        long cumulative = 0;
        for (int i = 0; i < PUBLISH_BUCKETS.length; i++) {
            cumulative += publishBuckets[i].sum();
            out.append("tessera_gateway_publish_seconds_bucket{le=\"").append(PUBLISH_BUCKETS[i]).append("\"} ")
                    .append(cumulative).append('\n');
        }
        long count = publishCount.sum();
        out.append("tessera_gateway_publish_seconds_bucket{le=\"+Inf\"} ").append(count).append('\n');
        out.append("tessera_gateway_publish_seconds_sum ").append(publishNanos.sum() / 1e9).append('\n');
        out.append("tessera_gateway_publish_seconds_count ").append(count).append('\n');
        return out.toString();
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** Label value escaping of the text format: backslash, double quote and newline. */
    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
