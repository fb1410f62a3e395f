package io.tessera.ingest;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP gateway: {@code POST /v1/generations} publishes a request to Kafka, {@code GET
 * /v1/generations/{id}/events} streams its results as Server-Sent Events, {@code GET /healthz} says it is up.
 * Built on the JDK's HTTP server: ordinary calls run on a fixed pool of {@code httpThreads}; each event stream runs
 * on its own thread from a pool of at most {@code maxEventStreams}, so streams never starve POSTs.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    static final String GENERATIONS = "/v1/generations";
    /** Seconds a client is told to wait when the gateway is saturated or Kafka is unavailable. */
    static final int RETRY_AFTER_S = 5;
    static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server writes a response's headers and body (and each SSE event) as separate small packets; with
        // Nagle's algorithm on, each waits for the client's delayed ACK (~40 ms). Read once, when the JDK's server
        // config class loads, so it must be set before the first HttpServer of the JVM; a user's own value wins.
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
    }

    private final GatewayConfig cfg;
    private final EventHub hub;
    private final ResultConsumer results;
    private final RequestPublisher publisher;
    private final SubmissionParser parser;
    private final HttpServer server;
    private final ExecutorService httpPool;
    private final EventsEndpoint events;
    private final int port;

    private Gateway(GatewayConfig cfg) throws IOException {
        this.cfg = cfg;
        SecureRandom random = new SecureRandom();
        this.parser = new SubmissionParser(cfg, System::currentTimeMillis, random::nextLong);
        this.hub = EventHub.of(cfg);
        this.results = new ResultConsumer(cfg, hub);
        RequestPublisher pub = null;
        HttpServer srv = null;
        try {
            pub = new RequestPublisher(cfg);
            srv = HttpServer.create(new InetSocketAddress(cfg.host(), cfg.port()), 128);
        } catch (IOException | RuntimeException e) {
            if (pub != null) {
                pub.close();
            }
            results.close();
            throw e;
        }
        this.publisher = pub;
        this.server = srv;
        this.httpPool = new ThreadPoolExecutor(cfg.httpThreads(), cfg.httpThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(4 * 1024), threads("tessera-gateway-http"));
        this.events = new EventsEndpoint(hub, cfg);
        Router router = new Router()
                .route("GET", "/healthz", this::health)
                .route("POST", GENERATIONS, this::submit)
                .route("GET", GENERATIONS + "/{id}/events", events);
        server.createContext("/", router);
        server.setExecutor(httpPool);
        server.start();
        this.port = server.getAddress().getPort();
    }

    /** Starts the gateway: connects to Kafka (the result topics must exist), then listens. */
    public static Gateway start(GatewayConfig cfg) {
        try {
            Gateway g = new Gateway(cfg);
            LOG.info("gateway listening on {} (Kafka at {})", g.baseUri(), cfg.bootstrapServers());
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + cfg.host() + ":" + cfg.port() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The port listened on (the chosen one when the config said 0). */
    public int port() {
        return port;
    }

    /** {@code http://host:port}, without a trailing slash. */
    public URI baseUri() {
        return URI.create("http://" + cfg.host() + ":" + port());
    }

    /** The socket address the server is bound to (loopback unless the config says otherwise). */
    InetSocketAddress boundAddress() {
        return server.getAddress();
    }

    public GatewayConfig config() {
        return cfg;
    }

    /** 200 while the gateway can publish and stream; 503 once its result reader has stopped. */
    private void health(HttpCall call) throws IOException {
        if (results.alive()) {
            call.sendJson(200, Json.object().put("status", "ok"));
        } else {
            call.sendJson(503, Json.object().put("status", "failing")
                    .put("error", "the reader of the result topics stopped; see the gateway log"));
        }
    }

    private void submit(HttpCall call) throws IOException {
        byte[] body = call.body(cfg.maxBodyBytes());
        Submission s = parser.parse(body, call.header("Content-Type"));
        String id = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        hub.expect(id, s.samples()); // before publishing: results can never beat the announcement
        try {
            publisher.publish(s.toRecord(id, now), s.mediaChunks(id, now));
        } catch (RequestPublisher.PublishException e) {
            hub.forget(id);
            LOG.warn("POST {} failed: {}", GENERATIONS, e.getMessage());
            call.exchange().getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_S));
            throw new ApiException(503, "Kafka is unavailable: " + e.getMessage(), null);
        }
        String events = GENERATIONS + "/" + id + "/events";
        call.exchange().getResponseHeaders().set("Location", events);
        call.sendJson(202, Json.object().put("requestId", id).put("events", events));
    }

    @Override
    public void close() {
        hub.close();     // live streams write a last error event ...
        events.close();  // ... and end, within a few seconds
        server.stop(0);
        httpPool.shutdown();
        try {
            httpPool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        results.close();
        publisher.close();
        LOG.info("gateway on port {} stopped", port());
    }

    static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
