package io.tessera.ingest.status;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings of the status store ({@link StatusService}, {@link StatusTopology}). Every key is validated here, so a
 * bad value fails at start with a message naming it.
 *
 * @param bootstrapServers Kafka {@code host:port[,host:port]}; required
 * @param applicationId    Kafka Streams application id: the consumer group and the prefix of the changelog topics
 *                         (default {@value #DEFAULT_APPLICATION_ID})
 * @param stateDir         where RocksDB keeps the stores (default {@code <dataDir>/streams}); survives restarts, so
 *                         a restart restores from local state instead of replaying the changelogs
 * @param commitInterval   how often progress is committed and caches flushed (default 100 ms: a status read
 *                         right after a record is written should already show it)
 * @param window           size of the dashboard's tumbling windows (default 10 s), 1 s .. 1 h
 * @param retention        how long windows are kept (default 1 h); at least one window, at most 7 days
 * @param startTimeout     how long {@link StatusService#start} and the queries wait for the app to be RUNNING
 *                         (default 60 s)
 */
public record StatusConfig(String bootstrapServers, String applicationId, Path stateDir, Duration commitInterval,
                           Duration window, Duration retention, Duration startTimeout) {

    public static final String DEFAULT_APPLICATION_ID = "tessera-status";
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration MIN_WINDOW = Duration.ofSeconds(1);
    static final Duration MAX_WINDOW = Duration.ofHours(1);
    static final Duration MAX_RETENTION = Duration.ofDays(7);
    /** Folder under the data directory that holds the stores. */
    public static final String STATE_SUBDIR = "streams";

    public StatusConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is required (host:port of a Kafka broker)");
        }
        if (applicationId == null || !applicationId.matches("[A-Za-z0-9._-]{1,200}")) {
            throw new IllegalArgumentException("applicationId must be 1..200 characters of [A-Za-z0-9._-], got "
                    + applicationId);
        }
        Objects.requireNonNull(stateDir, "stateDir");
        positive(commitInterval, "commitInterval");
        positive(window, "window");
        positive(retention, "retention");
        positive(startTimeout, "startTimeout");
        if (window.compareTo(MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0 || window.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("window must be whole seconds in [1 s, 1 h], got " + window);
        }
        if (retention.compareTo(window) < 0 || retention.compareTo(MAX_RETENTION) > 0) {
            throw new IllegalArgumentException("retention must be in [window (" + window + "), 7 days], got "
                    + retention);
        }
    }

    /** The defaults, with the stores under {@code dataDir/streams}. */
    public static StatusConfig defaults(String bootstrapServers, Path dataDir) {
        return new StatusConfig(bootstrapServers, DEFAULT_APPLICATION_ID, dataDir.resolve(STATE_SUBDIR),
                DEFAULT_COMMIT_INTERVAL, DEFAULT_WINDOW, DEFAULT_RETENTION, DEFAULT_START_TIMEOUT);
    }

    public StatusConfig withApplicationId(String id) {
        return new StatusConfig(bootstrapServers, id, stateDir, commitInterval, window, retention, startTimeout);
    }

    public StatusConfig withWindow(Duration w) {
        return new StatusConfig(bootstrapServers, applicationId, stateDir, commitInterval, w, retention, startTimeout);
    }

    public StatusConfig withRetention(Duration r) {
        return new StatusConfig(bootstrapServers, applicationId, stateDir, commitInterval, window, r, startTimeout);
    }

    public StatusConfig withStartTimeout(Duration t) {
        return new StatusConfig(bootstrapServers, applicationId, stateDir, commitInterval, window, retention, t);
    }

    /** The Kafka Streams properties of the app, each with why it is set. */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // Persistent stores live here, not under java.io.tmpdir (Streams' default), so they survive reboots.
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        // Freshness: a small commit interval bounds how stale a restored store can be after a crash.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(commitInterval.toMillis()));
        // A new app builds every status from the topics' beginning (their retention bounds the work).
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // One broker in development; the changelogs get the broker's default replication otherwise.
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        // Values are read as bytes and decoded by the processor, so a bad record is counted and skipped there;
        // keys are UTF-8 strings (TopicKeys).
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG,
                org.apache.kafka.common.serialization.Serdes.StringSerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG,
                org.apache.kafka.common.serialization.Serdes.ByteArraySerde.class.getName());
        // Larger than a media chunk is never read here, but DLQ values carry original bytes: allow them.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                Integer.toString(io.tessera.schemas.Topics.DLQ.maxMessageBytes()));
        return p;
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }
}
