package io.tessera.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code tessera prompt}: publishes a request through the gateway, follows its event stream with a progress bar,
 * and writes the frames, an animated GIF and the audio. The launcher calls {@link #run} with the arguments after
 * the word {@code prompt}.
 */
public final class PromptCommand {

    public static final int OK = ExitCodes.OK;
    public static final int FAILURE = ExitCodes.FAILURE;
    public static final int USAGE = ExitCodes.USAGE;

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Request fields as the gateway names them -> the option a user types. */
    private static final Map<String, String> OPTION_OF_FIELD = Map.ofEntries(
            Map.entry("prompt", "the prompt"), Map.entry("task", "--task"), Map.entry("frames", "--frames"),
            Map.entry("seed", "--seed"), Map.entry("samples", "--samples"), Map.entry("bestOf", "--best-of"),
            Map.entry("sampling.temperature", "--temperature"), Map.entry("sampling.topK", "--top-k"),
            Map.entry("sampling.topP", "--top-p"), Map.entry("sampling.guidanceScale", "--guidance"),
            Map.entry("image", "--image"), Map.entry("video", "--video"), Map.entry("audio", "--audio"));

    private PromptCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command; returns 0 when the files are written, 2 for a bad command line or request, 4 for a missing
     * or refused API key, 5 when the gateway is unreachable, 1 otherwise (see {@link ExitCodes}).
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PromptOptions opts;
        ObjectNode body;
        try {
            opts = PromptOptions.parse(args);
            if (opts.help()) {
                out.print(PromptOptions.USAGE);
                return OK;
            }
            body = requestBody(opts);
        } catch (UsageException e) {
            err.println("tessera prompt: " + e.getMessage() + " (see tessera prompt --help)");
            return USAGE;
        }
        GatewayClient gateway;
        try {
            gateway = new GatewayClient(opts.gateway(), opts.dataDir(),
                    io.tessera.ingest.auth.ApiKeys.findClientKey(opts.dataDir()));
        } catch (java.io.UncheckedIOException e) {
            err.println("tessera prompt: " + e.getMessage() + "; fix its permissions or set $"
                    + io.tessera.ingest.auth.ApiKeys.ENV_CLIENT_KEY);
            return ExitCodes.UNAUTHORIZED;
        }
        try {
            return new PromptCommand.Run(opts, gateway, out, err).run(body);
        } catch (CommandFailure e) {
            err.println("tessera prompt: " + e.getMessage());
            return e.exitCode();
        } catch (ConnectException | HttpConnectTimeoutException e) {
            err.println("tessera prompt: " + gateway.unreachable().getMessage());
            return ExitCodes.UNREACHABLE;
        } catch (IOException e) {
            err.println("tessera prompt: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("tessera prompt: interrupted");
            return FAILURE;
        }
    }

    static ObjectNode requestBody(PromptOptions o) throws UsageException {
        ObjectNode b = MAPPER.createObjectNode();
        if (o.prompt() != null) {
            b.put("prompt", o.prompt());
        }
        if (o.task() != null) {
            b.put("task", o.task());
        }
        if (o.frames() != null) {
            b.put("frames", o.frames());
        }
        if (o.seed() != null) {
            b.put("seed", o.seed());
        }
        if (o.samples() != null) {
            b.put("samples", o.samples());
        }
        if (o.bestOf() != null) {
            b.put("bestOf", o.bestOf());
        }
        ObjectNode s = MAPPER.createObjectNode();
        if (o.temperature() != null) {
            s.put("temperature", o.temperature());
        }
        if (o.topK() != null) {
            s.put("topK", o.topK());
        }
        if (o.topP() != null) {
            s.put("topP", o.topP());
        }
        if (o.guidance() != null) {
            s.put("guidanceScale", o.guidance());
        }
        if (!s.isEmpty()) {
            b.set("sampling", s);
        }
        if (o.image() != null) {
            b.put("image", base64(o.image(), "--image"));
        }
        if (!o.video().isEmpty()) {
            ArrayNode v = b.putArray("video");
            for (Path p : o.video()) {
                for (byte[] frame : VideoFrames.read(p)) {
                    v.add(Base64.getEncoder().encodeToString(frame));
                }
            }
        }
        if (o.audio() != null) {
            b.put("audio", base64(o.audio(), "--audio"));
        }
        return b;
    }

    private static String base64(Path file, String option) throws UsageException {
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new UsageException(option + " " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageException(option + " " + file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    /** One run: POST, then follow the stream. */
    private static final class Run {
        private final PromptOptions opts;
        private final GatewayClient gateway;
        private final HttpClient client;
        private final PrintStream out;
        private final PrintStream err;

        Run(PromptOptions opts, GatewayClient gateway, PrintStream out, PrintStream err) {
            this.opts = opts;
            this.gateway = gateway;
            this.client = gateway.http();
            this.out = out;
            this.err = err;
        }

        int run(ObjectNode body) throws IOException, InterruptedException, CommandFailure {
            GatewayClient.Response posted = gateway.postJson("/v1/generations", body);
            JsonNode answer = posted.json();
            if (posted.status() == 400 || posted.status() == 413 || posted.status() == 415) {
                String field = answer.path("field").asText(null);
                String option = field == null ? null : OPTION_OF_FIELD.getOrDefault(field.replaceAll("\\[\\d+]$", ""),
                        field);
                err.println("tessera prompt: the gateway rejected the request"
                        + (option == null ? "" : " (" + option + ")") + ": " + answer.path("error").asText());
                return USAGE;
            }
            if (posted.status() != 202) {
                throw gateway.failure(posted, "generation");
            }
            String requestId = answer.path("requestId").asText();
            String events = answer.path("events").asText("/v1/generations/" + requestId + "/events");
            out.println("request " + requestId + " accepted; following " + resolve(events));
            return follow(requestId, resolve(events));
        }

        private int follow(String requestId, URI events) throws IOException, InterruptedException {
            HttpRequest.Builder req = HttpRequest.newBuilder(events).header("Accept", "text/event-stream");
            gateway.key().ifPresent(k -> req.header("Authorization", "Bearer " + k));
            HttpResponse<InputStream> stream = client.send(req.GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (stream.statusCode() != 200) {
                String text = new String(stream.body().readAllBytes(), StandardCharsets.UTF_8);
                CommandFailure f = gateway.failure(new GatewayClient.Response(stream.statusCode(), text,
                        GatewayClient.json(text), stream.headers().firstValue("Retry-After").orElse(null)),
                        "event stream of " + requestId);
                err.println("tessera prompt: " + f.getMessage());
                return f.exitCode();
            }
            boolean audioTask = "VIDEO_TO_AUDIO".equals(opts.task());
            ClipWriter clips = new ClipWriter(opts.out().resolve(requestId));
            ProgressBar bar = new ProgressBar(out, opts.framesAsked(), audioTask ? "audio chunks" : "frames");
            bar.draw();
            AtomicBoolean timedOut = new AtomicBoolean();
            ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tessera-prompt-timeout");
                t.setDaemon(true);
                return t;
            });
            InputStream body = stream.body();
            watchdog.schedule(() -> {
                timedOut.set(true);
                try {
                    body.close();
                } catch (IOException ignored) {
                    // closing is how the reader is woken; nothing else to do
                }
            }, opts.timeoutSeconds(), TimeUnit.SECONDS);
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                SseReader sse = new SseReader(reader);
                SseReader.Event e;
                while ((e = sse.next()) != null) {
                    JsonNode data = json(e.data());
                    switch (e.name()) {
                        case "frame" -> {
                            clips.frame(data.path("sampleIndex").asInt(), data.path("index").asInt(),
                                    Base64.getDecoder().decode(data.path("png").asText()));
                            if (!audioTask) {
                                bar.advance();
                            }
                        }
                        case "audio" -> {
                            clips.audio(data.path("sampleIndex").asInt(), data.path("index").asInt(),
                                    Base64.getDecoder().decode(data.path("wav").asText()));
                            if (audioTask) {
                                bar.advance();
                            }
                        }
                        case "done" -> {
                            bar.finish();
                            List<Path> files = clips.finish();
                            out.println("done: " + files.size() + " files in " + opts.out().resolve(requestId));
                            for (Path p : files) {
                                if (!p.getFileName().toString().startsWith("frame-")) {
                                    out.println("  " + p);
                                }
                            }
                            return OK;
                        }
                        case "failed" -> {
                            bar.finish();
                            err.println("tessera prompt: request " + requestId + " failed in "
                                    + data.path("stage").asText() + ": " + data.path("reason").asText());
                            return FAILURE;
                        }
                        case "error" -> {
                            bar.finish();
                            err.println("tessera prompt: the stream ended early: " + data.path("error").asText()
                                    + "; the frames so far are in " + opts.out().resolve(requestId));
                            return FAILURE;
                        }
                        default -> { } // token and completed events: progress is counted in frames
                    }
                }
            } catch (IOException ex) {
                if (!timedOut.get()) {
                    throw ex;
                }
            } finally {
                watchdog.shutdownNow();
            }
            bar.finish();
            if (timedOut.get()) {
                err.println("tessera prompt: no result after " + opts.timeoutSeconds() + " s; is the generation"
                        + " job running? (raise --timeout to wait longer)");
            } else {
                err.println("tessera prompt: the gateway closed the stream before the generation finished;"
                        + " the frames so far are in " + opts.out().resolve(requestId));
            }
            return FAILURE;
        }

        private URI resolve(String path) {
            return URI.create(opts.gateway().toString() + path);
        }

        private static JsonNode json(String text) {
            try {
                return MAPPER.readTree(text);
            } catch (IOException e) {
                return MAPPER.createObjectNode();
            }
        }
    }
}
