package io.tessera.generator.train;

import java.nio.file.Path;
import java.util.List;

/**
 * Pretraining settings, each parsed from a command-line flag of the same name.
 *
 * @param steps           {@code --steps}: optimizer steps in total (a resumed run continues up to this)
 * @param batch           {@code --batch}: sequences per step
 * @param seqLen          {@code --seq-len}: tokens read per sequence (targets are the next tokens)
 * @param lr              {@code --lr}: peak AdamW learning rate, after linear warm-up, cosine-decayed to 10 %
 * @param seed            {@code --seed}: data and init seed
 * @param checkpointDir   {@code --checkpoint-dir}: where checkpoints go; a run resumes from the latest there
 * @param checkpointEvery {@code --checkpoint-every}: steps between checkpoints
 * @param logEvery        {@code --log-every}: steps between progress lines
 * @param warmupSteps     {@code --warmup}: linear warm-up steps
 * @param weightDecay     {@code --weight-decay}: decoupled AdamW decay on matrices (not on norm gains)
 * @param gradClip        {@code --grad-clip}: global gradient-norm clip; 0 disables
 */
public record TrainOptions(int steps, int batch, int seqLen, float lr, long seed, Path checkpointDir,
        int checkpointEvery, int logEvery, int warmupSteps, float weightDecay, float gradClip) {

    public static final int DEFAULT_STEPS = 20_000;
    public static final int DEFAULT_BATCH = 8;
    public static final int DEFAULT_SEQ_LEN = 256;
    public static final float DEFAULT_LR = 1e-3f;
    public static final int DEFAULT_CHECKPOINT_EVERY = 500;
    public static final int DEFAULT_LOG_EVERY = 10;
    public static final int DEFAULT_WARMUP = 200;
    public static final float DEFAULT_WEIGHT_DECAY = 0.1f;
    public static final float DEFAULT_GRAD_CLIP = 1.0f;

    public TrainOptions {
        positive("steps", steps);
        positive("batch", batch);
        if (seqLen < 1) {
            throw new IllegalArgumentException("--seq-len must be >= 1, got " + seqLen);
        }
        if (!(lr > 0f) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        }
        if (checkpointDir == null) {
            throw new IllegalArgumentException("--checkpoint-dir is required");
        }
        positive("checkpoint-every", checkpointEvery);
        positive("log-every", logEvery);
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("--warmup must be >= 0, got " + warmupSteps);
        }
        if (!(weightDecay >= 0f) || !(gradClip >= 0f)) {
            throw new IllegalArgumentException("--weight-decay and --grad-clip must be >= 0");
        }
    }

    public static TrainOptions defaults(Path checkpointDir) {
        return new TrainOptions(DEFAULT_STEPS, DEFAULT_BATCH, DEFAULT_SEQ_LEN, DEFAULT_LR, 1L, checkpointDir,
                DEFAULT_CHECKPOINT_EVERY, DEFAULT_LOG_EVERY, DEFAULT_WARMUP, DEFAULT_WEIGHT_DECAY, DEFAULT_GRAD_CLIP);
    }

    /** Parses {@code --flag value} pairs over {@code base}; unknown flags fail with the list of known ones. */
    public static TrainOptions parse(String[] args, TrainOptions base) {
        TrainOptions o = base;
        List<String> known = List.of("--steps", "--batch", "--seq-len", "--lr", "--seed", "--checkpoint-dir",
                "--checkpoint-every", "--log-every", "--warmup", "--weight-decay", "--grad-clip");
        for (int i = 0; i < args.length; i += 2) {
            String flag = args[i];
            if (!known.contains(flag)) {
                throw new IllegalArgumentException("unknown option " + flag + "; known: " + known);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String v = args[i + 1];
            try {
                o = switch (flag) {
                    case "--steps" -> new TrainOptions(Integer.parseInt(v), o.batch, o.seqLen, o.lr, o.seed,
                            o.checkpointDir, o.checkpointEvery, o.logEvery, o.warmupSteps, o.weightDecay, o.gradClip);
                    case "--batch" -> new TrainOptions(o.steps, Integer.parseInt(v), o.seqLen, o.lr, o.seed,
                            o.checkpointDir, o.checkpointEvery, o.logEvery, o.warmupSteps, o.weightDecay, o.gradClip);
                    case "--seq-len" -> new TrainOptions(o.steps, o.batch, Integer.parseInt(v), o.lr, o.seed,
                            o.checkpointDir, o.checkpointEvery, o.logEvery, o.warmupSteps, o.weightDecay, o.gradClip);
                    case "--lr" -> new TrainOptions(o.steps, o.batch, o.seqLen, Float.parseFloat(v), o.seed,
                            o.checkpointDir, o.checkpointEvery, o.logEvery, o.warmupSteps, o.weightDecay, o.gradClip);
                    case "--seed" -> new TrainOptions(o.steps, o.batch, o.seqLen, o.lr, Long.parseLong(v),
                            o.checkpointDir, o.checkpointEvery, o.logEvery, o.warmupSteps, o.weightDecay, o.gradClip);
                    case "--checkpoint-dir" -> new TrainOptions(o.steps, o.batch, o.seqLen, o.lr, o.seed, Path.of(v),
                            o.checkpointEvery, o.logEvery, o.warmupSteps, o.weightDecay, o.gradClip);
                    case "--checkpoint-every" -> new TrainOptions(o.steps, o.batch, o.seqLen, o.lr, o.seed,
                            o.checkpointDir, Integer.parseInt(v), o.logEvery, o.warmupSteps, o.weightDecay, o.gradClip);
                    case "--log-every" -> new TrainOptions(o.steps, o.batch, o.seqLen, o.lr, o.seed,
                            o.checkpointDir, o.checkpointEvery, Integer.parseInt(v), o.warmupSteps, o.weightDecay,
                            o.gradClip);
                    case "--warmup" -> new TrainOptions(o.steps, o.batch, o.seqLen, o.lr, o.seed, o.checkpointDir,
                            o.checkpointEvery, o.logEvery, Integer.parseInt(v), o.weightDecay, o.gradClip);
                    case "--weight-decay" -> new TrainOptions(o.steps, o.batch, o.seqLen, o.lr, o.seed,
                            o.checkpointDir, o.checkpointEvery, o.logEvery, o.warmupSteps, Float.parseFloat(v),
                            o.gradClip);
                    default -> new TrainOptions(o.steps, o.batch, o.seqLen, o.lr, o.seed, o.checkpointDir,
                            o.checkpointEvery, o.logEvery, o.warmupSteps, o.weightDecay, Float.parseFloat(v));
                };
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, got '" + v + "'");
            }
        }
        return o;
    }

    /** Learning rate at {@code step}: linear warm-up, then cosine from {@code lr} to {@code lr / 10}. */
    public float learningRate(long step) {
        if (step < warmupSteps) {
            return lr * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (step - warmupSteps) / (double) Math.max(1, steps - warmupSteps));
        return (float) (lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress))));
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException("--" + name + " must be >= 1, got " + v);
        }
    }
}
