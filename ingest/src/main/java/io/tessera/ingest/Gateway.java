package io.tessera.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.tessera.ingest.auth.ApiKeys;
import io.tessera.ingest.auth.KeyRing;
import io.tessera.ingest.dashboard.DashboardAssets;
import io.tessera.ingest.dashboard.FiguresEndpoint;
import io.tessera.ingest.status.GenerationStatus;
import io.tessera.ingest.status.StatusService;
import io.tessera.ingest.status.StatusUnavailableException;
import io.tessera.records.Cancel;
import io.tessera.records.Feedback;
import io.tessera.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
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
 * /v1/generations/{id}/events} streams its results as Server-Sent Events, {@code GET /v1/generations/{id}} shows
 * its status (from the {@link StatusService}), {@code POST /v1/generations/{id}/cancel} and {@code POST
 * /v1/feedback} publish a Cancel and a Feedback; {@code /healthz}, {@code /readyz}, {@code /metrics} and {@code
 * /openapi.json} need no key, nor do the dashboard's page ({@code /}) and files ({@code /dashboard/{name}}); its
 * figures ({@code GET /v1/figures}) do. Every {@code /v1} route needs an API key ({@link KeyRing}); a tenant sees only its own
 * requests, and {@link Admission} bounds the requests in flight. Built on the JDK's HTTP server: ordinary calls run
 * on a fixed pool of {@code httpThreads}; each event stream runs on its own thread from a pool of at most {@code
 * maxEventStreams}, so streams never starve POSTs.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    static final String GENERATIONS = "/v1/generations";
    static final String FEEDBACK = "/v1/feedback";
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
    private final KeyRing keys;
    private final Admission admission;
    private final RequestOwners owners = new RequestOwners(RequestOwners.DEFAULT_CAPACITY);
    private final Metrics metrics = new Metrics();
    private final StatusService statuses;
    private final Admin admin;
    private final byte[] openApi;
    private final Router router;
    private final DashboardAssets dashboard;
    private final FiguresEndpoint figures;

    /** Milliseconds {@code /readyz} waits for Kafka to describe its cluster. */
    static final int READY_TIMEOUT_MS = 2_000;
    static final String OPENAPI_RESOURCE = "openapi.json";

    private Gateway(GatewayConfig cfg, StatusService statuses) throws IOException {
        this.cfg = cfg;
        this.statuses = statuses;
        this.keys = new KeyRing(cfg.access().apiKeysFile(), System.getenv());
        if (keys.size() == 0) {
            LOG.warn("no API keys configured (keys file {}, env {}): every /v1 call will get 401",
                    cfg.access().apiKeysFile(), ApiKeys.ENV_KEYS);
        }
        this.admission = new Admission(cfg.access(), System::currentTimeMillis);
        this.openApi = loadOpenApi();
        this.dashboard = DashboardAssets.load(); // before anything that needs closing
        SecureRandom random = new SecureRandom();
        this.parser = new SubmissionParser(cfg, System::currentTimeMillis, random::nextLong);
        this.hub = EventHub.of(cfg);
        hub.onFinished(admission::finish);
        this.results = new ResultConsumer(cfg, hub);
        RequestPublisher pub = null;
        HttpServer srv = null;
        Admin adm = null;
        try {
            pub = new RequestPublisher(cfg);
            adm = Admin.create(adminProperties(cfg));
            srv = HttpServer.create(new InetSocketAddress(cfg.host(), cfg.port()), 128);
        } catch (IOException | RuntimeException e) {
            if (pub != null) {
                pub.close();
            }
            if (adm != null) {
                adm.close(java.time.Duration.ZERO);
            }
            results.close();
            throw e;
        }
        this.publisher = pub;
        this.admin = adm;
        this.server = srv;
        this.httpPool = new ThreadPoolExecutor(cfg.httpThreads(), cfg.httpThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(4 * 1024), threads("tessera-gateway-http"));
        this.events = new EventsEndpoint(hub, cfg);
        this.figures = new FiguresEndpoint(statuses == null ? null : statuses::figures);
        metrics.gauges(admission::perTenant, hub::subscribers, events::openStreams);
        this.router = new Router(exchange -> ApiKeys.presented(
                exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("X-API-Key")).flatMap(keys::tenantOf), metrics)
                .route("GET", "/healthz", this::health)
                .route("GET", "/readyz", this::ready)
                .route("GET", "/metrics", this::metrics)
                .route("GET", "/openapi.json", this::openApi)
                .route("POST", GENERATIONS, this::submit)
                .route("GET", GENERATIONS + "/{id}", this::status)
                .route("POST", GENERATIONS + "/{id}/cancel", this::cancel)
                .route("GET", GENERATIONS + "/{id}/events", this::events)
                .route("POST", FEEDBACK, this::feedback)
                .route("GET", FiguresEndpoint.PATH, call -> figures.handle(call.exchange()))
                .route("GET", "/", call -> dashboard.serveIndex(call.exchange()))
                .route("GET", DashboardAssets.ASSET_PREFIX + "{name}",
                        call -> dashboard.serve(call.exchange(), call.pathParam(0)));
        server.createContext("/", router);
        server.setExecutor(httpPool);
        server.start();
        this.port = server.getAddress().getPort();
    }

    /**
     * Starts the gateway without a status store: {@code GET /v1/generations/{id}} answers 503. See
     * {@link #start(GatewayConfig, StatusService)}.
     */
    public static Gateway start(GatewayConfig cfg) {
        return start(cfg, null);
    }

    /**
     * Starts the gateway: loads the API keys, connects to Kafka (the result topics must exist), then listens.
     *
     * @param statuses the running status store behind {@code GET /v1/generations/{id}} (and the owner of requests
     *                 this gateway did not accept itself), or null for none. The caller starts and closes it.
     */
    public static Gateway start(GatewayConfig cfg, StatusService statuses) {
        try {
            Gateway g = new Gateway(cfg, statuses);
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

    /** 200 once Kafka describes its cluster within {@value #READY_TIMEOUT_MS} ms and the result reader runs. */
    private void ready(HttpCall call) throws IOException {
        ObjectNode body = Json.object();
        String problem = null;
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(READY_TIMEOUT_MS)).nodes()
                    .get(READY_TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
            body.put("kafkaNodes", nodes);
            if (nodes == 0) {
                problem = "Kafka at " + cfg.bootstrapServers() + " reports no brokers";
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            problem = "Kafka at " + cfg.bootstrapServers() + " did not answer within " + READY_TIMEOUT_MS + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        if (problem == null && !results.alive()) {
            problem = "the reader of the result topics stopped; see the gateway log";
        }
        if (problem == null && statuses != null && !statuses.isRunning()) {
            problem = "the status store is " + statuses.state();
        }
        if (problem == null) {
            call.sendJson(200, body.put("status", "ready"));
        } else {
            call.exchange().getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_S));
            call.sendJson(503, body.put("status", "not ready").put("error", problem));
        }
    }

    private void metrics(HttpCall call) throws IOException {
        call.send(200, Metrics.CONTENT_TYPE, metrics.render().getBytes(StandardCharsets.UTF_8));
    }

    private void openApi(HttpCall call) throws IOException {
        call.send(200, "application/json", openApi);
    }

    private void submit(HttpCall call) throws IOException {
        String tenant = call.requireTenant();
        admission.check(tenant); // refuse at once when full, before reading a large body
        byte[] body = call.body(cfg.maxBodyBytes());
        Submission s = parser.parse(body, call.header("Content-Type"));
        String id = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        long lifetimeEnd = now + cfg.access().requestLifetime().toMillis();
        admission.admit(tenant, id, s.deadlineMs() == null ? lifetimeEnd : Math.min(s.deadlineMs(), lifetimeEnd));
        owners.put(id, tenant, s.samples());
        hub.expect(id, s.samples()); // before publishing: results can never beat the announcement
        try {
            long t0 = System.nanoTime();
            publisher.publish(s.toRecord(id, now, tenant), s.mediaChunks(id, now));
            metrics.published(System.nanoTime() - t0);
        } catch (RequestPublisher.PublishException e) {
            hub.forget(id);
            owners.remove(id);
            admission.finish(id);
            throw unavailable(e);
        }
        String events = GENERATIONS + "/" + id + "/events";
        call.exchange().getResponseHeaders().set("Location", events);
        call.sendJson(202, Json.object().put("requestId", id).put("events", events)
                .put("status", GENERATIONS + "/" + id));
    }

    private void events(HttpCall call) throws IOException {
        ownedBy(call.requireTenant(), call.pathParam(0));
        events.handle(call);
    }

    private void status(HttpCall call) throws IOException {
        String id = call.pathParam(0);
        RequestOwners.Owner owner = ownedBy(call.requireTenant(), id);
        if (statuses == null) {
            call.exchange().getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_S));
            throw new ApiException(503, "the status store is not running in this gateway", null);
        }
        Optional<GenerationStatus> st = statusOf(id);
        if (st.isPresent()) {
            call.send(200, "application/json", st.get().toJson().getBytes(StandardCharsets.UTF_8));
        } else {
            // Accepted here, not yet seen by the status store (it reads the topics a moment behind).
            call.sendJson(200, Json.object().put("requestId", id).put("state", GenerationStatus.State.QUEUED.name())
                    .put("tenant", owner.tenant()).put("samples", owner.samples()));
        }
    }

    private void cancel(HttpCall call) throws IOException {
        String tenant = call.requireTenant();
        String id = call.pathParam(0);
        ownedBy(tenant, id);
        Cancel c = FeedbackParser.cancel(call.body(64 * 1024), id, tenant, System.currentTimeMillis());
        publishOne(Topics.CONTROL, id, c);
        call.sendJson(202, Json.object().put("requestId", id).put("cancel", "requested")
                .put("status", GENERATIONS + "/" + id));
    }

    private void feedback(HttpCall call) throws IOException {
        String tenant = call.requireTenant();
        ObjectNode json = Json.parseObject(call.body(64 * 1024), "request body");
        String id = FeedbackParser.requestId(json);
        RequestOwners.Owner owner = ownedBy(tenant, id);
        Feedback f = FeedbackParser.feedback(json, tenant, owner.samples(), System.currentTimeMillis());
        publishOne(Topics.FEEDBACK, id, f);
        call.sendJson(202, Json.object().put("requestId", id).put("kind", f.getKind().name()));
    }

    private <V extends org.apache.avro.specific.SpecificRecord> void publishOne(io.tessera.schemas.Topic<V> topic,
            String key, V value) {
        try {
            long t0 = System.nanoTime();
            publisher.publishOne(topic, key, value);
            metrics.published(System.nanoTime() - t0);
        } catch (RequestPublisher.PublishException e) {
            throw unavailable(e);
        }
    }

    private static ApiException unavailable(RequestPublisher.PublishException e) {
        LOG.warn("publishing failed: {}", e.getMessage());
        return new ApiException(503, "Kafka is unavailable: " + e.getMessage(), null)
                .header("Retry-After", Integer.toString(RETRY_AFTER_S));
    }

    /**
     * The owner of request {@code id} when it is {@code tenant}: 400 for a malformed id, 404 for a request neither
     * this gateway nor the status store knows, 403 for another tenant's.
     */
    private RequestOwners.Owner ownedBy(String tenant, String id) {
        EventsEndpoint.checkId(id);
        RequestOwners.Owner owner = owners.get(id).orElse(null);
        if (owner == null && statuses != null) {
            owner = statusOf(id).filter(st -> st.tenant() != null)
                    .map(st -> new RequestOwners.Owner(st.tenant(), st.samples())).orElse(null);
        }
        if (owner == null) {
            throw new ApiException(404, "no generation " + id + " is known to this gateway", "id");
        }
        if (!owner.tenant().equals(tenant)) {
            throw new ApiException(403, "generation " + id + " belongs to another tenant", "id");
        }
        return owner;
    }

    private Optional<GenerationStatus> statusOf(String id) {
        try {
            return statuses.status(id);
        } catch (StatusUnavailableException e) {
            throw new ApiException(503, e.getMessage(), null).header("Retry-After", Integer.toString(RETRY_AFTER_S));
        }
    }

    /** The routes served (method and path template), for the OpenAPI check. */
    java.util.List<Router.RouteInfo> routes() {
        return router.routes();
    }

    Metrics metricsForTest() {
        return metrics;
    }

    /** What a burst of refused calls must not grow: remembered owners, replay logs, admission slots. */
    long retainedForTest() {
        return owners.size() + hub.retainedRequests() + admission.total();
    }

    private static byte[] loadOpenApi() {
        try (InputStream in = Gateway.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + OPENAPI_RESOURCE + " is missing from the ingest jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Properties adminProperties(GatewayConfig cfg) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "tessera-gateway-ready");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, READY_TIMEOUT_MS);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, READY_TIMEOUT_MS);
        return p;
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
        admin.close(java.time.Duration.ofSeconds(2));
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
