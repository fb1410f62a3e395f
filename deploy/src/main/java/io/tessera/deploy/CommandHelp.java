package io.tessera.deploy;

import io.tessera.generator.Evaluate;
import io.tessera.schemas.SamplingDefaults;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --help} for the commands whose code lives in other modules (train, eval, score, bench) or parses its
 * own options (rl): one usage text per command path, with every option and its default. Commands with their own
 * usage text ({@code up}, {@code topics}, {@code prompt}, ...) answer {@code --help} themselves.
 */
final class CommandHelp {

  private static final Map<String, String> USAGE = Map.ofEntries(
      Map.entry("train", """
          Usage: tessera train [--out DIR] [--install] [--init MODEL_DIR]
                               [--motion-drill N [--colour-pairs] [--either-object]
                               [--underspecified-from-image]]
                               [--additive-video] [--context-noise R] [--dropout P] [options]

          Trains the default transformer on the world's training mix (all four tasks, classifier-free
          guidance dropout on the prompt) with the shipped tokenizers, on every core. Checkpoints as it goes;
          run the same command again to resume from the latest checkpoint. Prints step, loss, tokens/s and
          time left. Then writes the model directory.

          Options:
            --out DIR              model directory to write (default .tessera/model)
            --install              also copy the result into generator-service's resources (the shipped model)
            --init MODEL_DIR       start from this model's weights instead of random ones (fine-tuning;
                                   a checkpoint in --checkpoint-dir still wins, so the run resumes)
            --motion-drill N       N batches of short clips that drill the prompt's motion after each
                                   batch of the mix (default 0: the plain mix)
            --colour-pairs         with --motion-drill: every other minimal pair differs in colour, not motion
            --either-object        with --motion-drill: a two-object pair varies the first or the second object
                                   (drawn per pair), not always the first
            --underspecified-from-image
                                   with --motion-drill: pairs whose prompts leave out a colour or a shape are
                                   image-to-video, so the model is never asked to choose what is not said
            --dropout P            residual dropout while training (default 0: off)
            --context-noise R      corrupt the generated video tokens the model reads at a per-row rate in
                                   [0, R], the targets staying clean (default 0: off)
            --additive-video       keep each painted video code's embedding and output column the sum of a
                                   mask part and a colour part (default: one free vector per code)
            --checkpoint-dir DIR   checkpoints and resume point (default .tessera/train)
            --steps N              total optimizer steps (default 20000)
            --batch N              sequences per step (default 8)
            --seq-len N            tokens per sequence (default: the training mix's longest sequence)
            --lr X                 peak learning rate, AdamW, warm-up then cosine decay (default 1e-3)
            --warmup N             warm-up steps (default 200)
            --weight-decay X       (default 0.1)
            --grad-clip X          gradient norm clip (default 1.0)
            --seed N               data order and initial weights (default 1)
            --checkpoint-every N   steps between checkpoints (default 500)
            --log-every N          steps between progress lines (default 10)
          """),
      Map.entry("eval", """
          Usage: tessera eval [--model DIR] [options]

          Generates clips for the world's held-out combinations and a sample of training ones, every task,
          and scores them with the world's detector: adherence per task and attribute, tokenizer PSNR, audio
          round trip and bounce-click alignment. Last line: adherence=<held-out text-to-video> psnr=<dB>.

          Options:
            --model DIR            model directory (default: the shipped model)
            --clips N              clips per split (default %d)
            --offset N             start at clip N of each split (default 0), to score other prompts
            --tasks LIST           comma-separated tasks, text-to-video among them (default: all four)
            --frames N             frames per clip (default 16)
            --temperature T        (default %s)
            --top-k K              0 = off (default %d)
            --top-p P              (default %s)
            --guidance G           classifier-free guidance scale, 1 = off (default %s)
            --guided-frames N      guide only the first N generated frames, 0 = every frame (default 0)
          """.formatted(Evaluate.DEFAULT_CLIPS, SamplingDefaults.TEMPERATURE, SamplingDefaults.TOP_K,
              SamplingDefaults.TOP_P, SamplingDefaults.GUIDANCE)),
      Map.entry("rl", """
          Usage: tessera rl [--minutes M] [options]

          The online RL loop on a local stack (Kafka broker, GenerationJob, RewardJob and PolicyJob in one
          Flink job): held-out prompts, every sample scored, GRPO updates published to tessera.policy and
          hot-swapped by the generator. Prints reward and adherence per policy version, writes a PNG of reward
          against time and the final model directory. Last line:
          reward_gain=<relative gain> adherence_before=<x> adherence_after=<y>.

          Options:
            --minutes M            how long to run (default %d)
            --samples G            samples per prompt, one GRPO group (default %d)
            --frames F             frames per sample (default %d)
            --in-flight N          prompts outstanding at once (default %d)
            --lr X                 learning rate (default %s)
            --max-staleness K      drop samples from a policy more than K versions old (default %d)
            --groups-per-update N  GRPO groups (prompts) per update (default %d)
            --inner-steps N        gradient steps per update on the same groups (default %d)
            --swap-prefill-tokens N  tokens the generator may re-prefill per step to move in-flight samples
                                   to a new policy (default %d: they finish on the policy they started on)
            --out DIR              output folder (default %s)
          """.formatted(RlCommand.DEFAULT_MINUTES, RlCommand.DEFAULT_SAMPLES, RlCommand.DEFAULT_FRAMES,
              RlCommand.DEFAULT_IN_FLIGHT, RlCommand.DEFAULT_LR, RlCommand.DEFAULT_MAX_STALENESS,
              RlCommand.DEFAULT_GROUPS_PER_UPDATE, RlCommand.DEFAULT_INNER_STEPS,
              RlCommand.DEFAULT_SWAP_PREFILL_TOKENS, RlCommand.DEFAULT_OUT)),
      Map.entry("bench", """
          Usage: tessera bench engine|pipeline [options]

          'bench engine --help' and 'bench pipeline --help' list each one's options.
          """),
      Map.entry("bench engine", """
          Usage: tessera bench engine [options]

          Tokens/s of the engine at batch 1, 8 and 32 (default architecture, random weights) against
          generating the same requests one at a time, as ratios, and whether every batch size drew the same
          tokens. Steps of 16+ rows run as row ranges on up to one core each (the engine's default). Each
          figure is the median of --repeats timed passes, after one untimed pass. Then the same ratio for the
          weight matmuls alone (x @ W through every weight matrix): the part of a step batching can share on
          this machine. Last line: batch32_speedup=<x>.

          Options:
            --requests N           requests (default 32)
            --prefix N             prompt tokens per request (default 32)
            --new-tokens N         tokens generated per request (default 64)
            --vocab N              vocabulary size (default 2400)
            --seed N               (default 1)
            --repeats N            timed passes per batch size, the median reported (default 3)
          """),
      Map.entry("bench pipeline", """
          Usage: tessera bench pipeline [options]

          The same text-to-video prompts through the whole pipeline (embedded Kafka, local Flink cluster,
          GenerationJob with the shipped model) and through the bare engine in this process, in alternating
          measured rounds after 3 warm-up rounds each. Prints tokens/s, time to first token and CPU per token
          of each. Last line: pipeline_vs_engine=<ratio> ttft_added_p50_ms=<ms>.

          Options:
            --prompts N            prompts per round (default 16)
            --frames N             frames per prompt (default 8)
            --rounds N             measured rounds per side (default 8)
          """),
      Map.entry("score", """
          Usage: tessera score serve|train|agreement|best-of [options]

          'score COMMAND --help' lists each one's options.
          """),
      Map.entry("score serve", """
          Usage: tessera score serve [--port P] [--host H] [--weight.KEY W ...]

          The reward scorers as an HTTP service: POST /v1/score (a clip's frames and audio, and its prompt)
          answers the total and its components; GET /healthz. Runs until stopped.

          Options:
            --port P               TCP port, 0 picks a free one (default 8091)
            --host H               address to bind (default 127.0.0.1)
            --weight.adherence W   and --weight.temporal, --weight.av-sync, --weight.learned: the reward's
                                   weights (defaults 0.6, 0.2, 0.2, 0)
          """),
      Map.entry("score train", """
          Usage: tessera score train [options]

          Trains the learned adherence scorer on the world's training clips and measures its agreement with
          the detector on held-out clips.

          Options:
            --clips N              training clips (default 1200)
            --steps N              (default 1500)
            --batch N              (default 64)
            --lr X                 (default 2e-3)
            --seed N               (default 7)
            --eval-clips N         held-out clips for the agreement table (default 40)
            --out DIR              where the weights go (default: reward-service's resources)
          """),
      Map.entry("score agreement", """
          Usage: tessera score agreement [--weights FILE] [--clips N]

          How well the learned scorer agrees with the detector on held-out clips, per attribute.

          Options:
            --weights FILE         learned scorer weights (default: the shipped ones)
            --clips N              held-out clips (default 40)
          """),
      Map.entry("score best-of", """
          Usage: tessera score best-of [options]

          Held-out adherence of best-of-N (verifier: the reward, or the learned scorer) against N = 1.
          Last line: best_of_1=<x> best_of_N_reward=<y> best_of_N_learned=<z>.

          Options:
            --prompts N            held-out prompts (default 16)
            --n N                  candidates per prompt (default 4)
            --frames N             (default 16)
            --guidance G           (default %s)
            --temperature T        (default %s)
            --top-p P              (default %s)
            --model DIR            model directory (default: the shipped model)
          """.formatted(SamplingDefaults.GUIDANCE, SamplingDefaults.TEMPERATURE, SamplingDefaults.TOP_P)));

  private CommandHelp() {}

  /**
   * The usage text to print when {@code args} (what follows the command name) ask for help for {@code command},
   * or empty. A subcommand's help wins over its parent's: {@code score serve --help}.
   */
  static Optional<String> requested(String command, String[] args) {
    if (!asksForHelp(args)) {
      return Optional.empty();
    }
    if (args.length > 0 && USAGE.containsKey(command + " " + args[0])) {
      return Optional.of(USAGE.get(command + " " + args[0]));
    }
    return Optional.ofNullable(USAGE.get(command));
  }

  private static boolean asksForHelp(String[] args) {
    return Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
  }
}
