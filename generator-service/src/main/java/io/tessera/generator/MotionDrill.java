package io.tessera.generator;

import io.tessera.generator.train.SequenceSource;
import io.tessera.generator.train.TrainingBatch;
import io.tessera.generator.world.ClipRenderer;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.Colour;
import io.tessera.generator.world.ObjectSpec;
import io.tessera.generator.world.Split;
import io.tessera.records.Task;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The pretraining mix with a motion drill between its batches. Only one transition in a clip says
 * which way an object moves: from the first frame to the second, in text-to-video and image-to-video,
 * where the prompt's "moving left" is the only evidence. Every later frame follows from the frames
 * before it. In the full mix that transition is a few dozen of ~300 targets in 60 % of the sequences,
 * and a model can lower its loss there by guessing the motion from the colour and shape it has seen
 * most (measured on v5600: the direction of the first step was right for 10 of 52 held-out objects,
 * fewer than chance, with the common training direction of the colour-shape pair instead).
 *
 * <p>Half the drill rows also leave the colour, the shape or both out of an object's phrase ("a circle moving
 * left", "a red object moving left", "an object moving left"): with those, only the motion word can say
 * which way the object goes, which pushes the model to read it on its own instead of as part of a
 * colour-shape-motion combination (the held-out split is exactly the combinations it never saw).
 *
 * <p>After each full-mix batch come {@code drillBatches} batches of {@value #DRILL_FRAMES}-frame clips,
 * half text-to-video and half image-to-video, with {@value #ROWS_PER_ROW} times the batch's rows (a
 * short row costs about a third of a full one). Every drill row holds the transition that needs the
 * prompt. Batches stay a pure function of (seed, step), so training resumes exactly.
 */
public final class MotionDrill implements SequenceSource {
    /** Frames of a drill clip: the first, the step that shows the direction, and one more. */
    public static final int DRILL_FRAMES = 3;
    /** A drill batch has this many times the rows of a full batch. */
    public static final int ROWS_PER_ROW = 3;
    /** Share of drill rows whose prompt leaves out colour and/or shape. */
    public static final double UNDERSPECIFIED_SHARE = 0.5;

    private final TrainingMix mix;
    private final int drillBatches;

    /** @param drillBatches drill batches after each full-mix batch (0 gives the plain mix) */
    public MotionDrill(TrainingMix mix, int drillBatches) {
        if (drillBatches < 0) {
            throw new IllegalArgumentException("drillBatches must be >= 0, got " + drillBatches);
        }
        this.mix = mix;
        this.drillBatches = drillBatches;
    }

    /** Whether {@code step} is a drill step (the full mix runs on every {@code drillBatches + 1}-th step). */
    public boolean isDrill(long step) {
        return step % (drillBatches + 1) != 0;
    }

    @Override
    public TrainingBatch batch(long seed, long step, int batchSize, int maxTokens) {
        if (!isDrill(step)) {
            return mix.batch(seed, step, batchSize, maxTokens);
        }
        int rows = batchSize * ROWS_PER_ROW;
        int[][] tokens = new int[rows][];
        float[][] weights = new float[rows][];
        for (int b = 0; b < rows; b++) {
            TrainingSequence s = drillSequence(seed, step * rows + b);
            int n = Math.min(s.length(), maxTokens);
            tokens[b] = Arrays.copyOf(s.tokens(), n);
            weights[b] = mix.lossWeights(s, n);
        }
        return new TrainingBatch(tokens, weights);
    }

    /** The i-th drill sequence: a fresh short training-split clip as text-to-video or image-to-video. */
    TrainingSequence drillSequence(long seed, long index) {
        // A stream of its own, apart from the full mix's sequence(seed, i).
        SplittableRandom rnd = new SplittableRandom(~seed ^ (index * 0xC2B2AE3D27D4EB4FL));
        Task task = rnd.nextBoolean() ? Task.TEXT_TO_VIDEO : Task.IMAGE_TO_VIDEO;
        var clip = ClipRenderer.render(ClipSpec.random(rnd.nextLong(), Split.TRAIN, DRILL_FRAMES));
        boolean drop = rnd.nextDouble() < mix.dropout();
        String prompt = rnd.nextDouble() < UNDERSPECIFIED_SHARE ? underspecified(clip.spec(), rnd) : clip.prompt();
        return mix.sequence(task, clip, prompt, drop, 1);
    }

    /** The clip's prompt with, per object, the colour, the shape or both left out (uniformly). */
    static String underspecified(ClipSpec spec, SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder();
        for (var o : spec.objects()) {
            if (sb.length() > 0) {
                sb.append(" and ");
            }
            sb.append(phrase(o.spec(), rnd.nextInt(3)));
        }
        return sb.toString();
    }

    /** Form 0: no colour ("a circle moving left"); 1: no shape ("a red object ..."); 2: neither ("an object ..."). */
    static String phrase(ObjectSpec o, int form) {
        String motion = " moving " + o.motion().word();
        return switch (form) {
            case 0 -> "a " + o.shape().word() + motion;
            case 1 -> (o.colour() == Colour.ORANGE ? "an " : "a ") + o.colour().word() + " object" + motion;
            default -> "an object" + motion;
        };
    }
}
