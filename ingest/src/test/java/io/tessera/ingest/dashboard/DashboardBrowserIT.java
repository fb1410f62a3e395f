package io.tessera.ingest.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.embedded.EmbeddedKafka;
import io.tessera.ingest.AccessConfig;
import io.tessera.ingest.Gateway;
import io.tessera.ingest.GatewayConfig;
import io.tessera.ingest.auth.ApiKeys;
import io.tessera.ingest.status.StatusConfig;
import io.tessera.ingest.status.StatusService;
import io.tessera.jobs.DecodeJob;
import io.tessera.jobs.GenerationJob;
import io.tessera.jobs.JobConfig;
import io.tessera.jobs.LocalCluster;
import io.tessera.records.Feedback;
import io.tessera.records.FeedbackKind;
import io.tessera.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The dashboard in a real browser against the real pipeline: an in-process KRaft broker, GenerationJob and
 * DecodeJob on a local Flink cluster with the shipped model, the gateway with API keys, and headless Chromium driven
 * over the DevTools protocol ({@link CdpBrowser}). The page submits a prompt, its frames appear as images while the
 * clip is generated, its audio becomes playable, and a click on thumbs up (and on "this one is better") lands as a
 * Feedback record on {@code tessera.feedback} with the caller's tenant. A screenshot is kept as
 * {@code target/dashboard-it/dashboard.png}.
 *
 * <p>Skipped, with the command that fixes it, where no Chromium is installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {

    static final String TENANT = "team-dash";
    /** A second tenant, only for the admission check (its in-flight bound is separate). */
    static final String OTHER_TENANT = "team-burst";
    static final String KEY = "dash-it-" + UUID.randomUUID();
    static final String OTHER_KEY = "burst-it-" + UUID.randomUUID();
    static final int FRAMES = 4;
    static final int SAMPLES = 2;
    /** Patience for page loads and gateway answers. */
    static final Duration PAGE = Duration.ofSeconds(30);
    /** Patience for the pipeline: the first request also starts the engine and loads the model. */
    static final Duration GENERATION = Duration.ofMinutes(4);
    static final Path ARTIFACTS = Path.of("target", "dashboard-it");

    static Path work;
    static EmbeddedKafka kafka;
    static StatusService statuses;
    static Gateway gateway;
    static CdpBrowser browser;
    static CdpBrowser.Page page;
    static JobClient jobs;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> chromium = CdpBrowser.find();
        assumeTrue(chromium.isPresent(), "no Chromium found at " + CdpBrowser.USUAL_PATHS + " (or -D"
                + CdpBrowser.EXECUTABLE_PROPERTY + "=PATH): install it with 'apt-get install -y chromium' to run"
                + " the dashboard's browser test; skipping it");
        work = Files.createDirectories(Path.of("target", "tmp", "dashboard-it-" + System.nanoTime()));
        kafka = EmbeddedKafka.start(work.resolve("kafka"), 0);
        kafka.createTopics(Topics.ALL);
        Path keys = work.resolve("api-keys");
        Files.writeString(keys, ApiKeys.fileLine(KEY, TENANT) + "\n" + ApiKeys.fileLine(OTHER_KEY, OTHER_TENANT) + "\n");
        // One request in flight per tenant, so the page can be shown a real 429.
        statuses = StatusService.start(StatusConfig.defaults(kafka.bootstrapServers(), work)
                .withApplicationId("dashboard-it-" + UUID.randomUUID()));
        gateway = Gateway.start(GatewayConfig.defaults(kafka.bootstrapServers()).withPort(0)
                .withAccess(AccessConfig.defaults().withApiKeysFile(keys).withInFlight(8, 1)), statuses);
        browser = CdpBrowser.launch(chromium.get(), work.resolve("chromium"), 1280, 800, Duration.ofSeconds(60));
        page = browser.newPage();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (statuses != null) {
            statuses.close();
        }
        if (jobs != null) {
            jobs.cancel().get(1, TimeUnit.MINUTES);
            try {
                jobs.getJobExecutionResult().get(1, TimeUnit.MINUTES);
            } catch (ExecutionException cancelled) {
                // expected: the job ends CANCELED; waiting lets it stop before the broker does
            }
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Starts GenerationJob and DecodeJob on a local cluster (once), as {@code bin/tessera up} runs them. */
    static void ensureJobs() throws Exception {
        if (jobs != null) {
            return;
        }
        Configuration conf = LocalCluster.configuration(work, 2);
        conf.setString("pipeline.generic-types", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        JobConfig cfg = JobConfig.fromArgs(new String[] {
            "--bootstrap", kafka.bootstrapServers(), "--checkpoint-interval", "1 s",
            "--group-prefix", "dashboard-it", "--transactional-id-prefix", "dashboard-it",
            "--delivery", "at-least-once"});
        GenerationJob.addToEnvironment(env, cfg);
        DecodeJob.addToEnvironment(env, cfg);
        jobs = env.executeAsync("tessera-dashboard-it");
    }

    static String base() {
        return gateway.baseUri().toString();
    }

    static String message() {
        return page.evalString("document.getElementById('message').hidden ? '' : "
                + "document.getElementById('message').textContent");
    }

    /** The helpers the page is built on, run by the browser's own engine on awkward input. */
    @Test
    @Order(1)
    void theKeyFromTheLinkIsKeptAndLeavesTheAddressBar() {
        page.navigate(base() + "/#key=" + KEY, PAGE);
        page.waitFor("window.tesseraDashboard", PAGE, "the dashboard script to start");
        assertThat(page.evalString("localStorage.getItem('tessera.apiKey')")).isEqualTo(KEY);
        assertThat(page.evalString("document.getElementById('api-key').value")).isEqualTo(KEY);
        assertThat(page.evalString("location.hash")).isEmpty();
        assertThat(page.evalString("document.getElementById('api-key').type")).isEqualTo("password");

        // A reload (no fragment now) takes the key from storage.
        page.navigate(base() + "/", PAGE);
        page.waitFor("window.tesseraDashboard", PAGE, "the dashboard script to start again");
        assertThat(page.evalString("document.getElementById('api-key').value")).isEqualTo(KEY);
    }

    @Test
    @Order(2)
    void theEventStreamParserAndTheWavJoinerHandleSplitInput() {
        page.waitFor("window.tesseraDashboard", PAGE, "the dashboard script");
        // One stream cut into pieces at the worst places: inside a field name, between CR and LF, inside data.
        JsonNode events = page.eval("(() => { const out = [];"
                + " const p = new window.tesseraDashboard.SseParser(e => out.push(e));"
                + " for (const piece of [': keep-alive\\r', '\\n', 'id: 0\\r\\nev', 'ent: frame\\r\\ndata: {\"a\"',"
                + "   ':1}\\r', '\\n\\r\\n', 'id:1\\nevent:done\\ndata:x\\ndata: y\\n', '\\n', 'data: no end'])"
                + "   p.push(piece);"
                + " p.end(); return out; })()");
        assertThat(events).hasSize(2);
        assertThat(events.get(0).get("id").asText()).isEqualTo("0");
        assertThat(events.get(0).get("event").asText()).isEqualTo("frame");
        assertThat(events.get(0).get("data").asText()).isEqualTo("{\"a\":1}");
        assertThat(events.get(1).get("id").asText()).isEqualTo("1");
        assertThat(events.get(1).get("data").asText()).isEqualTo("x\ny");

        // Two 16-bit mono WAVs of 3 and 2 samples, and an empty one, become one WAV of 5 samples.
        JsonNode wav = page.eval("(() => { const mk = (n) => { const b = new Uint8Array(44 + 2 * n);"
                + " const v = new DataView(b.buffer); const s = (o, t) => [...t].forEach((c, i) => b[o + i] ="
                + " c.charCodeAt(0)); s(0, 'RIFF'); v.setUint32(4, 36 + 2 * n, true); s(8, 'WAVE'); s(12, 'fmt ');"
                + " v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);"
                + " v.setUint32(24, 16000, true); v.setUint32(28, 32000, true); v.setUint16(32, 2, true);"
                + " v.setUint16(34, 16, true); s(36, 'data'); v.setUint32(40, 2 * n, true);"
                + " for (let i = 0; i < n; i++) v.setInt16(44 + 2 * i, 100 * (i + 1), true); return b; };"
                + " const d = window.tesseraDashboard; const w = d.joinWav([mk(3), mk(2), mk(0)]);"
                + " const p = d.wavParts(w); return {length: w.length, rate: p.rate, bits: p.bits,"
                + " data: [...new Int16Array(p.data.slice().buffer)]}; })()");
        assertThat(wav.get("length").asInt()).isEqualTo(44 + 10);
        assertThat(wav.get("rate").asInt()).isEqualTo(16000);
        assertThat(wav.get("bits").asInt()).isEqualTo(16);
        assertThat(wav.get("data").toString()).isEqualTo("[100,200,300,100,200]");
        assertThat(page.eval("window.tesseraDashboard.joinWav([])").isNull()).isTrue();
    }

    /** 400, 401 and 429 from the real gateway, each shown in the message line with the gateway's reason. */
    @Test
    @Order(3)
    void refusalsShowInTheMessageLine() {
        page.navigate(base() + "/", PAGE);
        page.waitFor("window.tesseraDashboard", PAGE, "the dashboard script");

        page.type("#frames", "999");
        page.click("#submit");
        page.waitFor("!document.getElementById('message').hidden", PAGE, "the 400 to be shown");
        assertThat(message()).contains("(frames)").contains("64");
        assertThat(page.evalString("document.getElementById('frames').getAttribute('aria-invalid')"))
                .isEqualTo("true");
        assertThat(page.eval("document.querySelectorAll('.run').length").asInt()).isZero();

        page.type("#api-key", "not-a-key-of-this-gateway");
        page.type("#frames", "1");
        page.type("#samples", "1");
        page.click("#submit");
        // The figures poll with the new key can show its own 401 first: wait for the prompt's request itself to end,
        // or the next click lands on a button still disabled by it and is lost.
        page.waitFor("!document.getElementById('submit').disabled", PAGE, "the refused request to end");
        page.waitFor("document.getElementById('message').textContent.includes('401')", PAGE, "the 401 to be shown");
        assertThat(message()).contains("API key");

        // Tenant OTHER may have one request in flight; no job runs yet, so the first stays in flight.
        page.type("#api-key", OTHER_KEY);
        page.click("#submit");
        page.waitFor("document.querySelectorAll('.run').length === 1", PAGE, "the first request to be accepted");
        page.waitFor("!document.getElementById('submit').disabled", PAGE, "the button to be enabled again");
        page.click("#submit");
        page.waitFor("document.getElementById('message').textContent.includes('429')", PAGE, "the 429 to be shown");
        assertThat(message()).containsPattern("retry in \\d+ s");
        assertThat(page.evalString("document.getElementById('submit').textContent")).startsWith("Retry in");
        assertThat(page.eval("document.querySelectorAll('.run').length").asInt()).isEqualTo(1);

        page.type("#api-key", KEY);
        page.type("#samples", Integer.toString(SAMPLES));
    }

    @Test
    @Order(4)
    void aPromptFromThePageStreamsFramesAndAThumbsUpLandsOnTheFeedbackTopic() throws Exception {
        ensureJobs();
        page.navigate(base() + "/", PAGE);
        page.waitFor("window.tesseraDashboard", PAGE, "the dashboard script");
        page.type("#api-key", KEY);
        page.type("#prompt", "a red circle moving left");
        page.type("#frames", Integer.toString(FRAMES));
        page.type("#samples", Integer.toString(SAMPLES));
        page.type("#seed", "7");
        // Record (page clock) the click, the first frame image and the card turning done, and the card's state
        // when the first frame arrived.
        page.eval("window.__t = {}; document.getElementById('submit').addEventListener('click', () =>"
                + " { window.__t.submit ??= performance.now(); }, {capture: true});"
                + " new MutationObserver(() => { const img = document.querySelector('.run .frames img');"
                + " if (img && window.__t.firstFrame === undefined) { window.__t.firstFrame = performance.now();"
                + " window.__t.stateAtFirstFrame = img.closest('.run').querySelector('.state').textContent; }"
                + " const st = document.querySelector('.run .state');"
                + " if (st && st.textContent.startsWith('done') && window.__t.done === undefined)"
                + " window.__t.done = performance.now(); })"
                + ".observe(document.getElementById('grid'), {childList: true, subtree: true, characterData: true});"
                + " true");
        page.click("#submit");
        page.waitFor("document.querySelector('.run[data-request-id]')", PAGE, "the request's card");
        String requestId = page.evalString("document.querySelector('.run').dataset.requestId");
        String card = ".run[data-request-id=\"" + requestId + "\"]";
        assertThat(message()).isEmpty();

        page.waitFor("document.querySelectorAll(" + CdpBrowser.quote(card + " .frames img") + ").length === "
                + FRAMES * SAMPLES, GENERATION, "every frame of both samples to appear");
        page.waitFor("[...document.querySelectorAll(" + CdpBrowser.quote(card + " .frames img") + ")]"
                + ".every(i => i.complete && i.naturalWidth > 0)", PAGE, "every frame to decode as an image");
        assertThat(page.eval("document.querySelector(" + CdpBrowser.quote(card + " .frames img")
                + ").naturalWidth").asInt()).isEqualTo(64);
        // The first frame was on the page while the request was still running.
        assertThat(page.eval("window.__t").path("stateAtFirstFrame").asText()).isNotEmpty().doesNotStartWith("done");

        page.waitFor("document.querySelector(" + CdpBrowser.quote(card + " .state") + ").textContent"
                + ".startsWith('done')", GENERATION, "the request to be done");
        JsonNode t = page.eval("window.__t");
        System.out.printf("DASHBOARD frames=%d samples=%d submit_to_first_frame_ms=%.0f submit_to_done_ms=%.0f%n",
                FRAMES, SAMPLES, t.path("firstFrame").asDouble() - t.path("submit").asDouble(),
                t.path("done").asDouble() - t.path("submit").asDouble());
        page.waitFor("[...document.querySelectorAll(" + CdpBrowser.quote(card + " audio") + ")].every(a =>"
                + " !a.hidden && a.src.startsWith('blob:') && a.readyState >= 1 && a.duration > 0)", PAGE,
                "each sample's audio to be playable");

        try (KafkaConsumer<String, byte[]> feedback = feedbackConsumer()) {
            page.click(card + " .sample[data-sample=\"0\"] [data-feedback=\"up\"]");
            page.waitFor("document.querySelector(" + CdpBrowser.quote(card
                    + " .sample[data-sample=\"0\"] [data-feedback=\"up\"]") + ").getAttribute('aria-pressed') === 'true'",
                    PAGE, "the thumbs up to be accepted");
            page.click(card + " .sample[data-sample=\"1\"] [data-feedback=\"better\"]");
            page.waitFor("document.querySelector(" + CdpBrowser.quote(card
                    + " .sample[data-sample=\"1\"] [data-feedback=\"better\"]") + ").getAttribute('aria-pressed')"
                    + " === 'true'", PAGE, "the preference to be accepted");

            List<Feedback> records = awaitFeedback(feedback, requestId, 2);
            assertThat(records).anySatisfy(f -> {
                assertThat(f.getKind()).isEqualTo(FeedbackKind.THUMBS_UP);
                assertThat(f.getSampleIndex()).isZero();
                assertThat(f.getTenant()).isEqualTo(TENANT);
            });
            assertThat(records).anySatisfy(f -> {
                assertThat(f.getKind()).isEqualTo(FeedbackKind.PREFERENCE);
                assertThat(f.getPreferredSample()).isEqualTo(1);
                assertThat(f.getRejectedSample()).isEqualTo(0);
                assertThat(f.getTenant()).isEqualTo(TENANT);
            });
        }
        assertThat(message()).isEmpty();

        // The charts are fed by the status store's figures of this very run.
        page.waitFor("(() => { const f = window.tesseraDashboard.state.lastFigures; return f"
                + " && f.tokensPerSecond.some(p => p.value > 0) && f.timeToFirstToken.some(p => p.count > 0); })()",
                PAGE, "the charts to show the run's tokens/s and time to first token");
        assertThat(page.evalString("document.getElementById('now-ttft').textContent")).startsWith("p50 ");

        page.eval("window.scrollTo(0, 0), true");
        Files.createDirectories(ARTIFACTS);
        Path shot = ARTIFACTS.resolve("dashboard.png");
        Files.write(shot, page.screenshot());
        System.out.println("DASHBOARD screenshot: " + shot.toAbsolutePath());
        assertThat(Files.size(shot)).isGreaterThan(10_000);

        // No script error, console error or refused load (the Content-Security-Policy) on the way.
        assertThat(page.problems()).filteredOn(p -> !p.startsWith("network:")).isEmpty();
    }

    static KafkaConsumer<String, byte[]> feedbackConsumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dashboard-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(Topics.FEEDBACK.name()));
        return consumer;
    }

    /** Polls tessera.feedback until {@code count} records of the request are there. */
    static List<Feedback> awaitFeedback(KafkaConsumer<String, byte[]> consumer, String requestId, int count) {
        List<Feedback> seen = new ArrayList<>();
        long deadline = System.nanoTime() + PAGE.toNanos();
        while (seen.size() < count) {
            assertThat(System.nanoTime()).as("%d feedback records of %s within %s; saw %s", count, requestId, PAGE,
                    seen).isLessThan(deadline);
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                Feedback f = Topics.FEEDBACK.codec().decode(r.value());
                if (f.getRequestId().equals(requestId)) {
                    assertThat(r.key()).isEqualTo(requestId);
                    seen.add(f);
                }
            }
        }
        return seen;
    }
}
