package io.tessera.ingest.status;

import io.tessera.schemas.Topic;
import io.tessera.schemas.Topics;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/**
 * The status topology: the six topics a request touches, read as raw bytes, into one processor
 * ({@link StatusProcessor}) that decodes each record, updates the request's {@link GenerationStatus} in a
 * persistent key-value store and adds to the dashboard's windowed stores.
 *
 * <p>Every source topic is keyed by request id with {@link Topics#REQUEST_PARTITIONS} partitions, so one stream
 * task sees every record of a request and nothing is repartitioned. The windowed and gauge stores are keyed by
 * stream task (each task adds up what it saw); {@link FiguresQuery} sums the tasks. A pure function of the
 * config, so tests run it on {@code TopologyTestDriver} and {@link StatusService} on a real broker.
 */
public final class StatusTopology {

    /** Key-value store: request id -> {@link GenerationStatus}. */
    public static final String STATUS_STORE = "tessera-status";
    /** Window store: task -> tokens sampled in the window. */
    public static final String TOKENS_STORE = "tessera-status-tokens";
    /** Window store: task -> time-to-first-token histogram ({@link LatencyHistogram}) of the window. */
    public static final String TTFT_STORE = "tessera-status-ttft";
    /** Window store: task -> dead letters in the window. */
    public static final String DLQ_STORE = "tessera-status-dlq";
    /** Window store: task -> active requests of the task at its last record in the window. */
    public static final String ACTIVE_STORE = "tessera-status-active";
    /** Key-value store: task|policy version -> [scored samples, sum of rewards as double bits]. */
    public static final String REWARD_STORE = "tessera-status-reward";
    /** Key-value store: task|gauge name -> value (active requests, undecodable records per topic). */
    public static final String GAUGE_STORE = "tessera-status-gauges";

    /** The topics read, in the order the processor's sources are named. */
    public static final List<Topic<?>> SOURCES = List.of(Topics.PROMPTS, Topics.TOKENS, Topics.GENERATIONS,
            Topics.REWARDS, Topics.CONTROL, Topics.DLQ);

    static final String PROCESSOR = "status";

    private StatusTopology() {}

    /** The topology with persistent (RocksDB) stores, as {@link StatusService} runs it. */
    public static Topology build(StatusConfig config) {
        return build(config, true);
    }

    /**
     * The topology with persistent or in-memory stores. In-memory stores behave the same (and are restored from
     * the same changelogs) but rebuild from them at every start; unit tests use them because RocksDB costs about a
     * second per test driver on a small machine.
     */
    static Topology build(StatusConfig config, boolean persistent) {
        Topology t = new Topology();
        String[] sources = new String[SOURCES.size()];
        for (int i = 0; i < sources.length; i++) {
            String topic = SOURCES.get(i).name();
            sources[i] = "source-" + topic;
            t.addSource(sources[i], Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topic);
        }
        long windowMs = config.window().toMillis();
        t.addProcessor(PROCESSOR, () -> new StatusProcessor(windowMs), sources);
        t.addStateStore(Stores.keyValueStoreBuilder(kv(STATUS_STORE, persistent), Serdes.String(),
                StoreSerdes.status()), PROCESSOR);
        t.addStateStore(Stores.keyValueStoreBuilder(kv(REWARD_STORE, persistent), Serdes.String(),
                StoreSerdes.longArray()), PROCESSOR);
        t.addStateStore(Stores.keyValueStoreBuilder(kv(GAUGE_STORE, persistent), Serdes.String(), Serdes.Long()),
                PROCESSOR);
        for (String name : List.of(TOKENS_STORE, DLQ_STORE, ACTIVE_STORE)) {
            t.addStateStore(Stores.windowStoreBuilder(windows(name, config, persistent), Serdes.String(),
                    Serdes.Long()), PROCESSOR);
        }
        t.addStateStore(Stores.windowStoreBuilder(windows(TTFT_STORE, config, persistent), Serdes.String(),
                StoreSerdes.longArray()), PROCESSOR);
        return t;
    }

    private static KeyValueBytesStoreSupplier kv(String name, boolean persistent) {
        return persistent ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
    }

    private static WindowBytesStoreSupplier windows(String name, StatusConfig config, boolean persistent) {
        return persistent
                ? Stores.persistentWindowStore(name, config.retention(), config.window(), false)
                : Stores.inMemoryWindowStore(name, config.retention(), config.window(), false);
    }
}
