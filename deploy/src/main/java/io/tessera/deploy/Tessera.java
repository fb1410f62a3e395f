package io.tessera.deploy;

import java.io.PrintStream;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tessera} command: {@code up}, {@code topics}, {@code prompt}, {@code policy}, {@code help}. Exit codes:
 * 0 success, 1 failure, 2 usage error. Errors are one line that says what to do; the stack trace goes to the debug log.
 */
public final class Tessera {

  static final int OK = 0;
  static final int FAILURE = 1;
  static final int USAGE = 2;

  static final String HELP = """
      Usage: tessera COMMAND [options]

      Commands:
        up       start Kafka, the Flink jobs and the gateway on this machine; Ctrl-C stops them
        topics   list the topics with their partitions and end offsets
        prompt   send a prompt through the gateway and save the frames it streams back
        status   a request's status (queued, generating frame k of n, done, reward) from the gateway
        feedback thumbs up/down, a rating or a preference between samples, through the gateway
        tail     print a topic's records as JSON lines (from the start, an offset or the last N)
        generate generate one clip in this process (no Kafka, no Flink): PNG frames, GIF and WAV
        train    train the default transformer on the world (checkpoints, resumes when run again)
        eval     score a model's prompt adherence with the world's detector; last line adherence=.. psnr=..
        score    'score serve': the reward scorers as an HTTP service (POST /v1/score);
                 'score train': train the learned adherence scorer; 'score agreement': how well it agrees
                 with the detector; 'score best-of': held-out adherence of best-of-N against N=1
        policy   'policy publish [--model-dir DIR] [--version N]': new weights (a trained model, or the shipped
                 one under a new version) on tessera.policy; the running generators swap them in, no restart
        rl       'rl --minutes M': the online RL loop (generation, rewards, GRPO) on a local stack, printing
                 reward and adherence per policy version; last line reward_gain=.. adherence_before=..
        bench    'bench engine': tokens/s at batch 1, 8 and 32 against one request at a time;
                 'bench pipeline [--prompts N] [--frames N] [--rounds N]': Kafka + Flink pipeline against the bare engine
        help     this text

      'tessera COMMAND --help' describes a command's options.
      Logging: TESSERA_LOG_LEVEL (Tessera, default INFO) and TESSERA_LOG_LIBS (Kafka, Flink, DJL; default WARN),
      as environment variables or -D system properties.
      """;

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (!UpCommand.shuttingDown) {
      System.exit(code);
    }
  }

  /** Runs one command; returns its exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Logger log = LoggerFactory.getLogger(Tessera.class);
    if (args.length == 0) {
      err.print(HELP);
      return USAGE;
    }
    String command = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    java.util.Optional<String> help = CommandHelp.requested(command, rest);
    if (help.isPresent()) {
      out.print(help.get());
      return OK;
    }
    try {
      return switch (command) {
        case "up" -> UpCommand.run(rest, out);
        case "topics" -> TopicsCommand.run(rest, out);
        case "prompt" -> io.tessera.ingest.cli.PromptCommand.run(rest, out, err);
        case "status" -> io.tessera.ingest.cli.StatusCommand.run(rest, out, err);
        case "feedback" -> io.tessera.ingest.cli.FeedbackCommand.run(rest, out, err);
        case "tail" -> io.tessera.ingest.cli.TailCommand.run(rest, out, err);
        case "generate" -> io.tessera.generator.GenerateClip.run(rest, out, err);
        case "train" -> {
          io.tessera.generator.TrainDefaultModel.main(rest);
          yield OK;
        }
        case "eval" -> {
          io.tessera.generator.Evaluate.main(rest);
          yield OK;
        }
        case "bench" -> bench(rest, out);
        case "rl" -> RlCommand.run(rest, out);
        case "policy" -> PolicyCommand.run(rest, out);
        case "score" -> score(rest);
        case "help", "--help", "-h" -> {
          out.print(HELP);
          yield OK;
        }
        default -> throw new UsageException("unknown command '" + command + "'; run 'tessera help' for the list");
      };
    } catch (UsageException e) {
      err.println("tessera: " + e.getMessage());
      return USAGE;
    } catch (StackException e) {
      log.debug("failure", e);
      err.println("tessera: " + e.getMessage());
      return FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FAILURE;
    } catch (RuntimeException e) {
      log.debug("failure", e);
      err.println("tessera: " + command + " failed: " + Failures.rootMessage(e)
          + " (rerun with TESSERA_LOG_LEVEL=DEBUG for details)");
      return FAILURE;
    }
  }

  /** {@code score serve|train|agreement|best-of ...}: the reward-service's commands. */
  private static int score(String[] args) {
    if (args.length == 0) {
      throw new UsageException("score needs one of: serve, train, agreement, best-of");
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      switch (args[0]) {
        case "serve" -> io.tessera.reward.http.ScoringServer.main(rest);
        case "train" -> io.tessera.reward.learned.TrainScorer.main(rest);
        case "agreement" -> io.tessera.reward.learned.Agreement.main(rest);
        case "best-of" -> io.tessera.reward.search.BestOfNEval.main(rest);
        default -> throw new UsageException("unknown 'score " + args[0] + "'; use serve, train, agreement or best-of");
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new StackException("score " + args[0] + " failed: " + Failures.rootMessage(e), e);
    }
    return OK;
  }

  private static int bench(String[] args, PrintStream out) {
    if (args.length > 0 && args[0].equals("pipeline")) {
      return PipelineBenchmark.run(Arrays.copyOfRange(args, 1, args.length), out);
    }
    if (args.length == 0 || !args[0].equals("engine")) {
      throw new UsageException("usage: tessera bench engine|pipeline [options]; 'bench engine --help' lists them");
    }
    io.tessera.generator.engine.EngineBenchmark.run(Arrays.copyOfRange(args, 1, args.length), out);
    return OK;
  }

  private Tessera() {}
}
