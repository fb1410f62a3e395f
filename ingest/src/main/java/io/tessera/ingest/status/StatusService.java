package io.tessera.ingest.status;

import io.tessera.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status store as a running Kafka Streams app: {@link #start} runs {@link StatusTopology} against a broker and
 * waits until it is RUNNING; {@link #status} and {@link #figures} read its stores through interactive queries
 * (this instance's stores: one instance holds every partition, which is how {@code bin/tessera up} runs it).
 * Thread-safe; {@link #close()} stops the app and keeps its state directory for the next start.
 */
public final class StatusService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusService.class);
    /** How often a query retries while the stores are being (re)assigned. */
    private static final long RETRY_MS = 50;

    private final StatusConfig config;
    private final KafkaStreams streams;
    private final Object stateLock = new Object();

    private StatusService(StatusConfig config, KafkaStreams streams) {
        this.config = config;
        this.streams = streams;
    }

    /**
     * Starts the app and waits (up to {@link StatusConfig#startTimeout()}) until it is RUNNING.
     *
     * @throws StatusUnavailableException if the broker is unreachable, a source topic is missing, or the app does
     *                                    not reach RUNNING in time (the message says which and what to do)
     */
    public static StatusService start(StatusConfig config) {
        checkTopics(config);
        KafkaStreams streams = new KafkaStreams(StatusTopology.build(config), config.streamsProperties());
        StatusService service = new StatusService(config, streams);
        streams.setStateListener((now, before) -> {
            LOG.debug("status store {} -> {}", before, now);
            synchronized (service.stateLock) {
                service.stateLock.notifyAll();
            }
        });
        // A bug in a transition must not leave a zombie: log it and let the client shut down (ERROR state).
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("the status store stopped on an unexpected error", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        try {
            service.awaitRunning(config.startTimeout());
        } catch (RuntimeException e) {
            streams.close(Duration.ofSeconds(10));
            throw e;
        }
        LOG.info("status store running (application {}, state in {})", config.applicationId(), config.stateDir());
        return service;
    }

    public StatusConfig config() {
        return config;
    }

    /** The app's state (RUNNING when queries are served). */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** True while queries are served. */
    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /**
     * The status of a request, or empty when no record of it has been processed yet.
     *
     * @throws StatusUnavailableException if the app is not RUNNING within the start timeout
     */
    public Optional<GenerationStatus> status(String requestId) {
        if (requestId == null || requestId.isEmpty()) {
            return Optional.empty();
        }
        ReadOnlyKeyValueStore<String, GenerationStatus> store =
                store(StatusTopology.STATUS_STORE, QueryableStoreTypes.keyValueStore());
        return Optional.ofNullable(retrying(() -> store.get(requestId)));
    }

    /**
     * The dashboard's series over the last {@code lookback} (capped at the retention), windows aligned to the
     * configured window size, ending with the window that holds now.
     *
     * @throws IllegalArgumentException   if lookback is not positive
     * @throws StatusUnavailableException if the app is not RUNNING within the start timeout
     */
    public Figures figures(Duration lookback) {
        if (lookback == null || lookback.isNegative() || lookback.isZero()) {
            throw new IllegalArgumentException("lookback must be a positive duration, got " + lookback);
        }
        FiguresQuery.Stores stores = new FiguresQuery.Stores(
                store(StatusTopology.GAUGE_STORE, QueryableStoreTypes.keyValueStore()),
                store(StatusTopology.REWARD_STORE, QueryableStoreTypes.keyValueStore()),
                store(StatusTopology.TOKENS_STORE, QueryableStoreTypes.windowStore()),
                store(StatusTopology.DLQ_STORE, QueryableStoreTypes.windowStore()),
                store(StatusTopology.ACTIVE_STORE, QueryableStoreTypes.windowStore()),
                this.<ReadOnlyWindowStore<String, long[]>>store(StatusTopology.TTFT_STORE,
                        QueryableStoreTypes.windowStore()));
        return retrying(() -> FiguresQuery.figures(stores, config.window(), config.retention(),
                System.currentTimeMillis(), lookback));
    }

    /** Stops the app (waiting up to 30 s); the stores stay on disk. */
    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }

    private <S> S store(String name, QueryableStoreType<S> type) {
        return retrying(() -> streams.store(StoreQueryParameters.fromNameAndType(name, type)));
    }

    /** Runs a query, retrying while the stores move (rebalance, restore) up to the start timeout. */
    private <T> T retrying(Supplier<T> query) {
        long deadline = System.nanoTime() + config.startTimeout().toNanos();
        while (true) {
            try {
                return query.get();
            } catch (InvalidStateStoreException e) {
                KafkaStreams.State s = streams.state();
                if (!s.isRunningOrRebalancing() && s != KafkaStreams.State.CREATED || System.nanoTime() > deadline) {
                    throw new StatusUnavailableException("the status store is " + s + " and cannot answer ("
                            + e.getMessage() + "); retry shortly, or check that Kafka is up", e);
                }
                waitForStateChange(RETRY_MS);
            }
        }
    }

    private void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            KafkaStreams.State s = streams.state();
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING
                    || s == KafkaStreams.State.PENDING_SHUTDOWN || s == KafkaStreams.State.PENDING_ERROR) {
                throw new StatusUnavailableException("the status store stopped while starting (" + s
                        + "); see the log above for the cause", null);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new StatusUnavailableException("the status store did not reach RUNNING within " + timeout
                        + " (it is " + s + "); is Kafka at " + config.bootstrapServers() + " healthy?", null);
            }
            waitForStateChange(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 500));
        }
    }

    private void waitForStateChange(long ms) {
        synchronized (stateLock) {
            try {
                stateLock.wait(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StatusUnavailableException("interrupted while waiting for the status store", e);
            }
        }
    }

    /** Fails fast, naming what is missing, instead of letting Streams stop on a missing source topic later. */
    private static void checkTopics(StatusConfig config) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.startTimeout().toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, config.startTimeout().toMillis()));
        try (Admin admin = Admin.create(p)) {
            Set<String> names = admin.listTopics().names().get(config.startTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
            List<String> missing = new ArrayList<>();
            for (Topic<?> t : StatusTopology.SOURCES) {
                if (!names.contains(t.name())) {
                    missing.add(t.name());
                }
            }
            if (!missing.isEmpty()) {
                throw new StatusUnavailableException("topics " + missing + " do not exist on "
                        + config.bootstrapServers() + "; create them first (bin/tessera up does)", null);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new StatusUnavailableException("cannot reach Kafka at " + config.bootstrapServers()
                    + " to start the status store: " + e.getMessage() + "; start it with bin/tessera up", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StatusUnavailableException("interrupted while checking the topics", e);
        }
    }
}
