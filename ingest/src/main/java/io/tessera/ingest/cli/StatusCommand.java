package io.tessera.ingest.cli;

import io.tessera.ingest.status.GenerationStatus;
import io.tessera.ingest.status.GenerationStatus.SampleStatus;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;

/**
 * {@code tessera status ID}: a request's status from the gateway ({@code GET /v1/generations/{id}}), printed for
 * people, or as the gateway's JSON with {@code --json}.
 */
public final class StatusCommand {

    static final String USAGE = """
            Usage: tessera status ID [--json] [options]

            Shows where a generation stands: queued, generating frame k of n, done, cancelled or failed (with the
            reason), its policy version, timings and reward, from the gateway's status store.

            Options:
              --json               print the gateway's JSON instead
            %s  -h, --help           this help

            %s""".formatted(GatewayClient.OPTIONS_HELP, ExitCodes.HELP);

    private StatusCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; see {@link ExitCodes}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            CliArgs a = CliArgs.parse(args, Set.of("gateway", "data-dir"), Set.of("json"));
            if (a.flag("help")) {
                out.print(USAGE);
                return ExitCodes.OK;
            }
            if (a.positional().size() != 1) {
                throw new UsageException(a.positional().isEmpty() ? "the request id is missing: tessera status ID"
                        : "only one request id is allowed, got " + a.positional());
            }
            String id = a.positional().get(0);
            GatewayClient gateway = GatewayClient.of(a);
            GatewayClient.Response r = gateway.get("/v1/generations/" + GatewayClient.segment(id));
            if (r.status() != 200) {
                throw gateway.failure(r, "generation " + id);
            }
            if (a.flag("json")) {
                out.println(r.body().strip());
            } else {
                out.print(render(GenerationStatus.fromJson(r.body())));
            }
            return ExitCodes.OK;
        } catch (UsageException e) {
            err.println("tessera status: " + e.getMessage() + " (see tessera status --help)");
            return ExitCodes.USAGE;
        } catch (CommandFailure e) {
            err.println("tessera status: " + e.getMessage());
            return e.exitCode();
        } catch (IllegalArgumentException e) {
            err.println("tessera status: the gateway's answer is not a status (" + e.getMessage() + "); is --gateway"
                    + " a Tessera gateway?");
            return ExitCodes.FAILURE;
        }
    }

    /** The status for people, one fact a line. */
    static String render(GenerationStatus s) {
        StringBuilder sb = new StringBuilder();
        line(sb, "request", s.requestId() + (s.tenant() == null ? "" : "  (tenant " + s.tenant() + ")")
                + (s.task() == null ? "" : "  " + s.task()));
        line(sb, "state", s.summary());
        for (SampleStatus x : s.sampleStatus()) {
            StringBuilder v = new StringBuilder("frames " + x.framesDone() + "/" + x.framesTotal());
            if (x.done()) {
                v.append(", done (").append(x.finishReason()).append(')');
            }
            if (x.policyVersion() != null) {
                v.append(", policy v").append(x.policyVersion());
            }
            if (x.reward() != null) {
                v.append(String.format(Locale.ROOT, ", reward %.3f", x.reward()));
            }
            line(sb, "sample " + x.index(), v.toString());
        }
        StringBuilder t = new StringBuilder();
        append(t, "queued", s.queuedMs());
        append(t, "first token", s.timeToFirstTokenMs());
        append(t, "total", s.totalMs());
        if (!t.isEmpty()) {
            line(sb, "timings", t.toString());
        }
        if (s.reward() != null) {
            line(sb, "reward", String.format(Locale.ROOT, "%.3f (mean of the scored samples)", s.reward()));
        }
        if (s.deadLetters() > 0) {
            line(sb, "dead letters", Integer.toString(s.deadLetters()));
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String name, Long ms) {
        if (ms != null) {
            sb.append(sb.isEmpty() ? "" : ", ").append(name).append(' ').append(ms).append(" ms");
        }
    }

    private static void line(StringBuilder sb, String name, String value) {
        sb.append(String.format(Locale.ROOT, "%-13s%s%n", name, value));
    }
}
