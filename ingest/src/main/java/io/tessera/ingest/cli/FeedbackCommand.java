package io.tessera.ingest.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.Set;

/**
 * {@code tessera feedback ID --up|--down|--rating N|--prefer A --over B [--sample I]}: a user's judgement of a
 * generation, through the gateway ({@code POST /v1/feedback}), which publishes it to {@code tessera.feedback}.
 */
public final class FeedbackCommand {

    static final String USAGE = """
            Usage: tessera feedback ID (--up | --down | --rating N | --prefer A --over B) [--sample I] [options]

            Records what you thought of a generation; the RL loop learns from it.

            Options:
              --up, --down         thumbs up or down on a sample
              --rating N           a rating from 1 to 5
              --prefer A --over B  sample A is better than sample B (samples of the same request)
              --sample I           the sample judged by --up, --down or --rating (default: 0)
              --user NAME          who is judging (default: none)
            %s  -h, --help           this help

            %s""".formatted(GatewayClient.OPTIONS_HELP, ExitCodes.HELP);

    private FeedbackCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; see {@link ExitCodes}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            CliArgs a = CliArgs.parse(args, Set.of("gateway", "data-dir", "rating", "prefer", "over", "sample",
                    "user"), Set.of("up", "down"));
            if (a.flag("help")) {
                out.print(USAGE);
                return ExitCodes.OK;
            }
            ObjectNode body = body(a);
            GatewayClient gateway = GatewayClient.of(a);
            String id = body.get("requestId").asText();
            GatewayClient.Response r = gateway.postJson("/v1/feedback", body);
            if (r.status() / 100 != 2) {
                throw gateway.failure(r, "generation " + id);
            }
            out.println("feedback recorded for " + id + ": " + describe(body));
            return ExitCodes.OK;
        } catch (UsageException e) {
            err.println("tessera feedback: " + e.getMessage() + " (see tessera feedback --help)");
            return ExitCodes.USAGE;
        } catch (CommandFailure e) {
            err.println("tessera feedback: " + e.getMessage());
            return e.exitCode();
        }
    }

    /** The JSON body of {@code POST /v1/feedback} the options ask for. */
    static ObjectNode body(CliArgs a) throws UsageException {
        if (a.positional().size() != 1) {
            throw new UsageException(a.positional().isEmpty()
                    ? "the request id is missing: tessera feedback ID --up" : "only one request id is allowed, got "
                    + a.positional());
        }
        int kinds = (a.flag("up") ? 1 : 0) + (a.flag("down") ? 1 : 0) + (a.has("rating") ? 1 : 0)
                + (a.has("prefer") || a.has("over") ? 1 : 0);
        if (kinds != 1) {
            throw new UsageException(kinds == 0 ? "say what you think: --up, --down, --rating N or --prefer A --over B"
                    : "give only one of --up, --down, --rating, --prefer/--over");
        }
        ObjectNode b = GatewayClient.MAPPER.createObjectNode().put("requestId", a.positional().get(0));
        if (a.has("user")) {
            b.put("user", a.get("user", ""));
        }
        if (a.has("prefer") || a.has("over")) {
            if (!a.has("prefer") || !a.has("over")) {
                throw new UsageException("--prefer A needs --over B (and the other way round)");
            }
            if (a.has("sample")) {
                throw new UsageException("--sample is not used with --prefer/--over");
            }
            int preferred = a.intValue("prefer", 0, 0, Integer.MAX_VALUE);
            int rejected = a.intValue("over", 0, 0, Integer.MAX_VALUE);
            if (preferred == rejected) {
                throw new UsageException("--prefer and --over must name two different samples");
            }
            return b.put("kind", "preference").put("preferredSample", preferred).put("rejectedSample", rejected);
        }
        b.put("kind", a.flag("up") ? "up" : a.flag("down") ? "down" : "rating");
        b.put("sampleIndex", a.intValue("sample", 0, 0, Integer.MAX_VALUE));
        if (a.has("rating")) {
            b.put("rating", a.intValue("rating", 0, 1, 5));
        }
        return b;
    }

    private static String describe(ObjectNode b) {
        return switch (b.get("kind").asText()) {
            case "up" -> "thumbs up on sample " + b.get("sampleIndex");
            case "down" -> "thumbs down on sample " + b.get("sampleIndex");
            case "rating" -> "rating " + b.get("rating") + " on sample " + b.get("sampleIndex");
            default -> "sample " + b.get("preferredSample") + " preferred over sample " + b.get("rejectedSample");
        };
    }
}
