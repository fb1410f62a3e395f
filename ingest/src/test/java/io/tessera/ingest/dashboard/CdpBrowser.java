package io.tessera.ingest.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol with nothing but the JDK's WebSocket client and
 * Jackson (no Selenium, no driver binary). {@link #launch} starts the browser with {@code --remote-debugging-port=0}
 * and reads the DevTools URL it prints on stderr; {@link #newPage} opens a tab and attaches to it in flattened
 * session mode, so every command of every page goes over the one browser connection.
 *
 * <p>Pages act like a user: {@link Page#click} dispatches real mouse events at the element's centre (so a hidden
 * or covered button is not clickable), {@link Page#type} inserts text as the keyboard would. Script errors,
 * console errors and failed loads (Content-Security-Policy refusals among them) are collected in
 * {@link Page#problems()}.
 */
final class CdpBrowser implements AutoCloseable {

    /** System property or environment variable naming the browser executable, if not a usual path. */
    static final String EXECUTABLE_PROPERTY = "tessera.chromium";
    static final String EXECUTABLE_ENV = "TESSERA_CHROMIUM";
    static final List<Path> USUAL_PATHS = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"),
            Path.of("/usr/bin/google-chrome"), Path.of("/usr/bin/google-chrome-stable"));
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Deque<String> stderrTail;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, Page> pages = new ConcurrentHashMap<>();
    private final Object sendLock = new Object();
    private final int width;
    private final int height;

    private CdpBrowser(Process process, Deque<String> stderrTail, URI devtools, int width, int height)
            throws InterruptedException, ExecutionException, TimeoutException {
        this.process = process;
        this.stderrTail = stderrTail;
        this.width = width;
        this.height = height;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(devtools, new Listener())
                .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The browser executable: {@value #EXECUTABLE_PROPERTY} / {@value #EXECUTABLE_ENV}, else a usual path. */
    static Optional<Path> find() {
        String named = System.getProperty(EXECUTABLE_PROPERTY, System.getenv(EXECUTABLE_ENV));
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        return USUAL_PATHS.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * Starts a headless browser with its profile in {@code userDataDir} and a {@code width x height} window, and
     * connects to its DevTools endpoint.
     */
    static CdpBrowser launch(Path executable, Path userDataDir, int width, int height, Duration startTimeout)
            throws IOException, InterruptedException {
        Files.createDirectories(userDataDir);
        List<String> cmd = List.of(executable.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--remote-debugging-port=0", "--user-data-dir=" + userDataDir.toAbsolutePath(),
                "--window-size=" + width + "," + height, "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--mute-audio", "--password-store=basic",
                "about:blank");
        Process process = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Deque<String> tail = new ArrayDeque<>();
        CompletableFuture<URI> devtools = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            // Drains stderr for the browser's whole life (a full pipe would block it), keeping the last lines.
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 40) {
                            tail.removeFirst();
                        }
                    }
                    Matcher m = DEVTOOLS.matcher(line);
                    if (m.find()) {
                        devtools.complete(URI.create(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // the browser went away
            }
            devtools.completeExceptionally(new IllegalStateException("the browser exited before printing its"
                    + " DevTools URL"));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            URI uri = devtools.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return new CdpBrowser(process, tail, uri, width, height);
        } catch (ExecutionException | TimeoutException e) {
            kill(process);
            String why;
            synchronized (tail) {
                why = String.join("\n  ", tail);
            }
            throw new IllegalStateException("cannot start " + executable + " (" + e.getMessage() + "); its stderr:\n  "
                    + why, e);
        }
    }

    /** Opens a new tab, attached in its own session, with Page, Runtime and Log events on. */
    Page newPage() {
        String targetId = call(null, "Target.createTarget", obj().put("url", "about:blank"))
                .get("targetId").asText();
        String sessionId = call(null, "Target.attachToTarget", obj().put("targetId", targetId).put("flatten", true))
                .get("sessionId").asText();
        Page page = new Page(sessionId);
        pages.put(sessionId, page);
        page.call("Page.enable", obj());
        page.call("Runtime.enable", obj());
        page.call("Log.enable", obj());
        page.call("Emulation.setDeviceMetricsOverride", obj().put("width", width).put("height", height)
                .put("deviceScaleFactor", 1).put("mobile", false));
        return page;
    }

    /** Sends one command (to the browser when {@code sessionId} is null) and waits for its result. */
    JsonNode call(String sessionId, String method, ObjectNode params) {
        long id = ids.incrementAndGet();
        ObjectNode msg = obj().put("id", id).put("method", method);
        msg.set("params", params);
        if (sessionId != null) {
            msg.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            synchronized (sendLock) { // the JDK WebSocket allows one outstanding send at a time
                socket.sendText(JSON.writeValueAsString(msg), true).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            JsonNode response = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (response.has("error")) {
                throw new IllegalStateException(method + " failed: " + response.get("error"));
            }
            return response.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method, e);
        } catch (ExecutionException | TimeoutException | IOException e) {
            throw new IllegalStateException(method + " got no answer from the browser: " + e, e);
        } finally {
            pending.remove(id);
        }
    }

    static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    private void onMessage(String text) {
        JsonNode msg;
        try {
            msg = JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        if (msg.has("id")) {
            CompletableFuture<JsonNode> answer = pending.get(msg.get("id").asLong());
            if (answer != null) {
                answer.complete(msg);
            }
        } else if (msg.has("sessionId")) {
            Page page = pages.get(msg.get("sessionId").asText());
            if (page != null) {
                page.onEvent(msg.path("method").asText(), msg.path("params"));
            }
        }
    }

    /** Reassembles fragmented text messages (screenshots arrive in many parts). */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onMessage(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }

    /** Closes the browser (politely, then by force) and every process it started. */
    @Override
    public void close() {
        try {
            call(null, "Browser.close", obj());
        } catch (RuntimeException e) {
            // already gone or not answering: killed below
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill(process);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(process);
        }
        socket.abort();
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One tab. */
    final class Page {
        private final String sessionId;
        private final List<String> problems = new CopyOnWriteArrayList<>();

        private Page(String sessionId) {
            this.sessionId = sessionId;
        }

        JsonNode call(String method, ObjectNode params) {
            return CdpBrowser.this.call(sessionId, method, params);
        }

        /** Loads {@code url} and waits until the document is complete. */
        void navigate(String url, Duration timeout) {
            JsonNode r = call("Page.navigate", obj().put("url", url));
            if (r.hasNonNull("errorText")) {
                throw new IllegalStateException("cannot open " + url + ": " + r.get("errorText").asText());
            }
            waitFor("document.readyState === 'complete' && location.href !== 'about:blank'", timeout,
                    "the page " + url + " to load");
        }

        /** Evaluates a JavaScript expression (promises are awaited) and returns its value as JSON. */
        JsonNode eval(String expression) {
            JsonNode r = call("Runtime.evaluate", obj().put("expression", expression).put("returnByValue", true)
                    .put("awaitPromise", true));
            if (r.has("exceptionDetails")) {
                JsonNode d = r.get("exceptionDetails");
                throw new IllegalStateException("script failed: " + d.path("exception").path("description")
                        .asText(d.path("text").asText()) + "\n  in: " + expression);
            }
            return r.path("result").path("value");
        }

        String evalString(String expression) {
            return eval(expression).asText();
        }

        /** Polls {@code condition} (a JavaScript expression) every 100 ms until it is truthy. */
        void waitFor(String condition, Duration timeout, String what) {
            long deadline = System.nanoTime() + timeout.toNanos();
            String last = null;
            while (true) {
                try {
                    JsonNode v = eval("!!(" + condition + ")");
                    if (v.asBoolean()) {
                        return;
                    }
                } catch (IllegalStateException e) {
                    last = e.getMessage(); // e.g. the document is being replaced
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("waited " + timeout + " for " + what + " (" + condition + ")"
                            + (last == null ? "" : "; last error: " + last) + "; page problems: " + problems);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for " + what, e);
                }
            }
        }

        /**
         * Clicks the element like a mouse would: scrolls it into view, then presses and releases the left button at
         * its centre. Fails if no element matches or the element at that point is another one (covered, hidden).
         */
        void click(String selector) {
            JsonNode box = eval("(() => { const e = document.querySelector(" + quote(selector) + ");"
                    + " if (!e) throw new Error('no element matches ' + " + quote(selector) + ");"
                    + " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                    + " const x = r.left + r.width / 2, y = r.top + r.height / 2;"
                    + " const hit = document.elementFromPoint(x, y);"
                    + " return {x, y, ok: r.width > 0 && r.height > 0 && (hit === e || e.contains(hit))}; })()");
            if (!box.path("ok").asBoolean()) {
                throw new AssertionError(selector + " is not visible and clickable (covered, hidden or empty)");
            }
            for (String type : new String[] {"mousePressed", "mouseReleased"}) {
                call("Input.dispatchMouseEvent", obj().put("type", type).put("x", box.get("x").asDouble())
                        .put("y", box.get("y").asDouble()).put("button", "left").put("clickCount", 1));
            }
        }

        /**
         * Focuses the field, clears it and types {@code text} as the keyboard would (input events), then leaves it
         * (which fires change, as for a user).
         */
        void type(String selector, String text) {
            eval("(() => { const e = document.querySelector(" + quote(selector) + ");"
                    + " if (!e) throw new Error('no element matches ' + " + quote(selector) + ");"
                    + " e.focus(); e.value = ''; return true; })()");
            if (!text.isEmpty()) {
                call("Input.insertText", obj().put("text", text));
            }
            eval("document.activeElement && document.activeElement.blur(), true");
        }

        /** A PNG of the viewport. */
        byte[] screenshot() {
            String data = call("Page.captureScreenshot", obj().put("format", "png")).get("data").asText();
            return Base64.getDecoder().decode(data);
        }

        /** Uncaught script errors, console errors and failed loads seen so far. */
        List<String> problems() {
            return new ArrayList<>(problems);
        }

        private void onEvent(String method, JsonNode params) {
            switch (method) {
                case "Runtime.exceptionThrown" -> {
                    JsonNode d = params.path("exceptionDetails");
                    problems.add("uncaught: " + d.path("exception").path("description").asText(d.path("text")
                            .asText()));
                }
                case "Runtime.consoleAPICalled" -> {
                    if (params.path("type").asText().equals("error")) {
                        problems.add("console.error: " + params.path("args"));
                    }
                }
                case "Log.entryAdded" -> {
                    JsonNode e = params.path("entry");
                    if (e.path("level").asText().equals("error")) {
                        problems.add(e.path("source").asText() + ": " + e.path("text").asText() + " "
                                + e.path("url").asText(""));
                    }
                }
                default -> { }
            }
        }
    }

    /** A JavaScript string literal of {@code s}. */
    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
