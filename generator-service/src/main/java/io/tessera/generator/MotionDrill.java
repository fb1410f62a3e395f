package io.tessera.generator;

import io.tessera.generator.train.SequenceSource;
import io.tessera.generator.train.TrainingBatch;
import io.tessera.generator.world.ClipRenderer;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.Colour;
import io.tessera.generator.world.HeldOut;
import io.tessera.generator.world.Motion;
import io.tessera.generator.world.ObjectSpec;
import io.tessera.generator.world.Split;
import io.tessera.generator.world.World;
import io.tessera.generator.world.WorldObject;
import io.tessera.records.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The pretraining mix with a motion drill between its batches. Only one transition in a clip says which way
 * an object moves: from the first frame to the second, in text-to-video and image-to-video, where the prompt's
 * "moving left" is the only evidence; every later frame follows from the frames before it. In the full mix
 * that is a few of ~300 targets, and a model can lower its loss there by guessing the motion from the
 * colour and shape instead: from a true first frame, v5600 moved 0 of 17 single held-out objects the
 * prompt's way (the first-step probe of {@link Evaluate}), choosing among the directions the colour-shape
 * pair had in training.
 *
 * <p>After each full-mix batch come {@code drillBatches} batches of {@value #DRILL_FRAMES}-frame clips, half
 * text-to-video and half image-to-video, with {@value #ROWS_PER_ROW} times the batch's rows (a short row
 * costs about a third of a full one). Rows come in minimal pairs (see {@link #drillSequence}): the same start,
 * the first object moving two ways, each with its own prompt, so only the text says which (with {@code eitherObject}
 * on, the object varied in a two-object clip is the first or the second, drawn per pair). Half the rows
 * also leave the colour, the shape or both out of an object's phrase ("a circle moving left", "a red object
 * moving left", "an object moving left"), so that only the motion word tells the direction. With colour pairs on,
 * every other pair differs in the first object's colour instead (the same shape, start and motion), so that only
 * the colour word tells them apart. Batches stay a pure function of (seed, step), so training resumes exactly.
 *
 * <p>Measured (4,000 steps from the step-8000 checkpoint, generator README): single training objects 10 -> 18
 * of 18, held-out ones 0 -> 4 of 17. Held-out text-to-video adherence rose from 0.508 to 0.604 at guidance 1.5
 * (under guidance 5 it had seemed to fall, an artefact of that guidance: session 7), and 2,000 more steps with
 * colour pairs made policy 14000 (0.646). Session 9 continued it with pairs varying either object
 * ({@code eitherObject}) into policy 17500 (0.683), and session 11 made its underspecified pairs image-to-video
 * ({@code underspecifiedFromImage}) with residual dropout into policy 19000. Session 12 ran the whole drill from random
 * weights with additive video codes: the shipped policy 10000 (held-out 53 of 53 single objects at the first step).
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
    private final boolean colourPairs;
    private final boolean eitherObject;
    private final boolean underspecifiedFromImage;

    /** @param drillBatches drill batches after each full-mix batch (0 gives the plain mix) */
    public MotionDrill(TrainingMix mix, int drillBatches) {
        this(mix, drillBatches, false);
    }

    /**
     * @param colourPairs every other minimal pair differs in the first object's colour instead of its motion (see
     *                    {@link #drillSequence}); false gives the drill of session 5 exactly
     */
    public MotionDrill(TrainingMix mix, int drillBatches, boolean colourPairs) {
        this(mix, drillBatches, colourPairs, false);
    }

    /**
     * @param eitherObject in a two-object clip, the object a minimal pair varies is either one (drawn per pair), not
     *                     always the first, so that the second object's words are drilled too; false gives the drill
     *                     above exactly
     */
    public MotionDrill(TrainingMix mix, int drillBatches, boolean colourPairs, boolean eitherObject) {
        this(mix, drillBatches, colourPairs, eitherObject, false);
    }

    /**
     * @param underspecifiedFromImage a pair whose prompts leave the colour or the shape out is always image-to-video:
     *                                the first frame shows what the prompt does not say, so the drill never asks the
     *                                model to choose it. A text-to-video row with "a circle moving right" teaches
     *                                the colours that circles moving right have in training, which is the held-out
     *                                combinations' exclusion itself; false gives the drill above exactly
     */
    public MotionDrill(TrainingMix mix, int drillBatches, boolean colourPairs, boolean eitherObject,
            boolean underspecifiedFromImage) {
        if (drillBatches < 0) {
            throw new IllegalArgumentException("drillBatches must be >= 0, got " + drillBatches);
        }
        this.mix = mix;
        this.drillBatches = drillBatches;
        this.colourPairs = colourPairs;
        this.eitherObject = eitherObject;
        this.underspecifiedFromImage = underspecifiedFromImage;
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

    /**
     * The i-th drill sequence: a fresh short training-split clip as text-to-video or image-to-video. Rows 2k
     * and 2k+1 are a minimal pair: the same task, start positions and prompt form, but the first object moves
     * another way in row 2k+1 (another training combination of its colour and shape, one that its start
     * leaves room for), so the motion word is the only thing that tells their first steps apart.
     */
    TrainingSequence drillSequence(long seed, long index) {
        // A stream of its own, apart from the full mix's sequence(seed, i); shared by the two rows of a pair.
        SplittableRandom rnd = new SplittableRandom(~seed ^ ((index >> 1) * 0xC2B2AE3D27D4EB4FL));
        Task task = rnd.nextBoolean() ? Task.TEXT_TO_VIDEO : Task.IMAGE_TO_VIDEO;
        ClipSpec spec = ClipSpec.random(rnd.nextLong(), Split.TRAIN, DRILL_FRAMES);
        boolean drop = rnd.nextDouble() < mix.dropout();
        boolean underspecified = rnd.nextDouble() < UNDERSPECIFIED_SHARE;
        long formSeed = rnd.nextLong();
        int varied = eitherObject ? rnd.nextInt(spec.objects().size()) : 0;
        if ((index & 1) == 1) {
            ClipSpec twin = colourPairs && ((index >> 1) & 1) == 1
                    ? otherColour(spec, varied, rnd) : otherMotion(spec, varied, rnd);
            spec = twin != null ? twin : ClipSpec.random(rnd.nextLong(), Split.TRAIN, DRILL_FRAMES);
        }
        String prompt = underspecified ? underspecified(spec, new SplittableRandom(formSeed)) : spec.prompt();
        if (underspecified && underspecifiedFromImage) {
            task = Task.IMAGE_TO_VIDEO;
        }
        return mix.sequence(task, ClipRenderer.render(spec), prompt, drop, 1);
    }

    /**
     * The clip with object {@code k} moving another way that is a training combination and that its start
     * leaves room for (no wall within the clip's steps, no overlap with the other object); null if there is none.
     */
    static ClipSpec otherMotion(ClipSpec spec, int k, SplittableRandom rnd) {
        WorldObject varied = spec.objects().get(k);
        int steps = spec.frames() - 1;
        List<ObjectSpec> options = new ArrayList<>();
        for (ObjectSpec o : HeldOut.combinations(Split.TRAIN)) {
            if (o.shape() == varied.spec().shape() && o.colour() == varied.spec().colour()
                    && o.motion() != varied.spec().motion() && roomFor(varied, o.motion(), steps)) {
                options.add(o);
            }
        }
        while (!options.isEmpty()) {
            ObjectSpec pick = options.remove(rnd.nextInt(options.size()));
            List<WorldObject> objects = new ArrayList<>(spec.objects());
            objects.set(k, new WorldObject(pick, varied.x0(), varied.y0(), varied.speed()));
            ClipSpec twin = new ClipSpec(objects, spec.frames(), spec.seed());
            if (!twin.overlaps()) {
                return twin;
            }
        }
        return null;
    }

    /**
     * The clip with object {@code k} in another colour, with the same shape, start and motion, that makes a training
     * combination and that no other object of the clip has; null if there is none. Such a pair differs only in the
     * colour word and the object's colour: the text-to-video rows teach the model to draw the colour it is told.
     */
    static ClipSpec otherColour(ClipSpec spec, int k, SplittableRandom rnd) {
        WorldObject varied = spec.objects().get(k);
        List<ObjectSpec> options = new ArrayList<>();
        for (ObjectSpec o : HeldOut.combinations(Split.TRAIN)) {
            if (o.shape() == varied.spec().shape() && o.motion() == varied.spec().motion()
                    && o.colour() != varied.spec().colour()
                    && spec.objects().stream().noneMatch(w -> w.spec().colour() == o.colour())) {
                options.add(o);
            }
        }
        if (options.isEmpty()) {
            return null;
        }
        List<WorldObject> objects = new ArrayList<>(spec.objects());
        ObjectSpec pick = options.get(rnd.nextInt(options.size()));
        objects.set(k, new WorldObject(pick, varied.x0(), varied.y0(), varied.speed()));
        return new ClipSpec(objects, spec.frames(), spec.seed());
    }

    /** Whether an object starting where {@code o} does can move {@code steps} steps along {@code m} without a wall. */
    static boolean roomFor(WorldObject o, Motion m, int steps) {
        int x = o.x0() + m.dx() * o.speed() * steps;
        int y = o.y0() + m.dy() * o.speed() * steps;
        return x >= 0 && x <= World.MAX_POS && y >= 0 && y <= World.MAX_POS;
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
