package io.tessera.ingest.cli;

import io.tessera.schemas.SamplingDefaults;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parsed options of {@code tessera prompt}. Numbers are only checked for being numbers here; their ranges are
 * the gateway's to check (one source of truth), and its 400 names the option.
 *
 * @param frames          null: the gateway's default (16)
 * @param samples         null: 1
 * @param bestOf          null: 1 (best-of-N candidates per returned sample)
 * @param seed            null: the gateway picks one
 * @param timeoutSeconds  how long to wait for the generation to finish
 * @param dataDir         where the API key is looked for ({@code <dataDir>/api-key})
 */
record PromptOptions(
        boolean help,
        String prompt,
        Path out,
        URI gateway,
        String task,
        Integer frames,
        Long seed,
        Integer samples,
        Integer bestOf,
        Double temperature,
        Integer topK,
        Double topP,
        Double guidance,
        Path image,
        List<Path> video,
        Path audio,
        int timeoutSeconds,
        Path dataDir) {

    static final String DEFAULT_GATEWAY = "http://127.0.0.1:8080";
    static final String DEFAULT_OUT = "tessera-out";
    static final int DEFAULT_TIMEOUT_S = 600;
    static final int DEFAULT_FRAMES = 16;

    static final String USAGE = """
            Usage: tessera prompt "PROMPT" [options]

            Publishes a generation request through the gateway, follows its event stream with a progress bar,
            and writes OUT/<requestId>/sample-<i>/frame-000.png ..., clip.gif (8 fps) and audio.wav.

            Options:
              --out DIR            output folder (default: %s)
              --gateway URL        the gateway (default: %s)
              --task TASK          TEXT_TO_VIDEO (default), IMAGE_TO_VIDEO, VIDEO_CONTINUATION, VIDEO_TO_AUDIO
              --frames N           frames to generate, 1..64 (default: 16)
              --samples N          independent samples, 1..16 (default: 1)
              --best-of K          best-of-N: sample K candidates per sample and keep the one the reward
                                   scorers rate highest, 1..16, samples x K <= 16 (default: 1)
              --seed S             random seed (default: chosen by the gateway)
              --temperature T      sampling temperature, (0, 10] (default: %s)
              --top-k K            top-k, 0 disables (default: %d)
              --top-p P            nucleus sampling, (0, 1] (default: %s)
              --guidance G         classifier-free guidance scale, [0, 20] (default: %s)
              --image FILE         conditioning image (PNG or JPEG) for IMAGE_TO_VIDEO
              --video FILE|DIR...  conditioning frames for VIDEO_CONTINUATION and VIDEO_TO_AUDIO: PNG or JPEG
                                   files, a folder of them (name order), or an animated GIF
              --audio FILE.wav     conditioning audio (WAV) for VIDEO_CONTINUATION
              --timeout SECONDS    give up waiting after this long (default: %d)
              --data-dir DIR       where 'tessera up' keeps the API key (default: %s); $%s wins
              -h, --help           this help

            %s""".formatted(DEFAULT_OUT, DEFAULT_GATEWAY, SamplingDefaults.TEMPERATURE, SamplingDefaults.TOP_K,
            SamplingDefaults.TOP_P, SamplingDefaults.GUIDANCE, DEFAULT_TIMEOUT_S, GatewayClient.DEFAULT_DATA_DIR,
            io.tessera.ingest.auth.ApiKeys.ENV_CLIENT_KEY, ExitCodes.HELP);

    /** Frames the run will produce in all, for the progress bar. */
    int framesAsked() {
        return (frames == null ? DEFAULT_FRAMES : frames) * (samples == null ? 1 : samples);
    }

    static PromptOptions parse(String[] args) throws UsageException {
        boolean help = false;
        String prompt = null;
        Path out = Path.of(DEFAULT_OUT);
        URI gateway = uri(DEFAULT_GATEWAY);
        String task = null;
        Integer frames = null;
        Long seed = null;
        Integer samples = null;
        Integer bestOf = null;
        Double temperature = null;
        Integer topK = null;
        Double topP = null;
        Double guidance = null;
        Path image = null;
        List<Path> video = new ArrayList<>();
        Path audio = null;
        int timeout = DEFAULT_TIMEOUT_S;
        Path dataDir = Path.of(GatewayClient.DEFAULT_DATA_DIR);

        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String inline = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                inline = arg.substring(arg.indexOf('=') + 1);
                arg = arg.substring(0, arg.indexOf('='));
            }
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                if (prompt != null) {
                    throw new UsageException("only one prompt is allowed; quote it: tessera prompt \"a red circle"
                            + " moving left\"");
                }
                prompt = arg;
                continue;
            }
            if (arg.equals("--video")) {
                if (inline != null) {
                    video.add(Path.of(inline));
                }
                while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    video.add(Path.of(args[++i]));
                }
                if (video.isEmpty()) {
                    throw new UsageException("--video needs at least one FILE");
                }
                continue;
            }
            String value;
            if (inline != null) {
                value = inline;
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException(arg + " needs a value");
            }
            switch (arg) {
                case "--out" -> out = Path.of(value);
                case "--gateway" -> gateway = uri(value);
                case "--task" -> task = value;
                case "--frames" -> frames = integer(arg, value);
                case "--seed" -> seed = longValue(arg, value);
                case "--samples" -> samples = integer(arg, value);
                case "--best-of" -> bestOf = integer(arg, value);
                case "--temperature" -> temperature = number(arg, value);
                case "--top-k" -> topK = integer(arg, value);
                case "--top-p" -> topP = number(arg, value);
                case "--guidance" -> guidance = number(arg, value);
                case "--image" -> image = Path.of(value);
                case "--audio" -> {
                    audio = Path.of(value);
                    if (!value.toLowerCase(java.util.Locale.ROOT).endsWith(".wav")) {
                        throw new UsageException("--audio must be a .wav file, got " + value);
                    }
                }
                case "--data-dir" -> dataDir = Path.of(value);
                case "--timeout" -> {
                    timeout = integer(arg, value);
                    if (timeout < 1) {
                        throw new UsageException("--timeout must be at least 1 second");
                    }
                }
                default -> throw new UsageException("unknown option " + arg);
            }
        }
        if (!help && prompt == null && (task == null || task.equals("TEXT_TO_VIDEO"))) {
            throw new UsageException("a prompt is required, e.g. tessera prompt \"a red circle moving left\"");
        }
        return new PromptOptions(help, prompt, out, gateway, task, frames, seed, samples, bestOf, temperature, topK, topP,
                guidance, image, List.copyOf(video), audio, timeout, dataDir);
    }

    private static URI uri(String s) throws UsageException {
        try {
            URI u = new URI(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new UsageException("--gateway must be an http(s) URL like " + DEFAULT_GATEWAY + ", got " + s);
            }
            return u;
        } catch (URISyntaxException e) {
            throw new UsageException("--gateway is not a URL: " + s);
        }
    }

    private static int integer(String opt, String v) throws UsageException {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(opt + " must be an integer, got '" + v + "'");
        }
    }

    private static long longValue(String opt, String v) throws UsageException {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(opt + " must be an integer, got '" + v + "'");
        }
    }

    private static double number(String opt, String v) throws UsageException {
        try {
            double d = Double.parseDouble(v.trim());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException(opt + " must be a number, got '" + v + "'");
        }
    }
}
