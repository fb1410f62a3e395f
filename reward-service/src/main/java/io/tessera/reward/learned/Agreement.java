package io.tessera.reward.learned;

import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.generator.tokenize.TrainTokenizers;
import io.tessera.generator.world.Clip;
import io.tessera.generator.world.ClipRenderer;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.Colour;
import io.tessera.generator.world.DetectionReport;
import io.tessera.generator.world.Detector;
import io.tessera.generator.world.Motion;
import io.tessera.generator.world.ObjectSpec;
import io.tessera.generator.world.ObjectVerdict;
import io.tessera.generator.world.Shape;
import io.tessera.generator.world.Split;
import io.tessera.generator.world.World;
import io.tessera.generator.world.WorldObject;
import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How often the learned scorer and the detector agree on held-out clips. For each held-out-split clip
 * (seeds from {@link #SEED_BASE}, never used in training; its first object is a combination training
 * never shows) four versions are rendered: the true clip, and clips whose first object has a wrong
 * colour, a wrong shape or a wrong direction, all scored against the <em>original</em> prompt. Frames go
 * through the video tokenizer and back, as generated clips do. Per prompt attribute (colour, shape,
 * motion of each object) the two verdicts are compared: the learned one is "confirmed" at probability
 * &gt;= 0.5, the detector's is {@link ObjectVerdict}.
 */
public final class Agreement {
    /** Held-out evaluation clips start here (past the tokenizers' and {@code bin/tessera eval}'s seeds). */
    public static final long SEED_BASE = TrainTokenizers.EVAL_SEED_BASE + 700_000L;

    /** The versions of a clip that are scored against its original prompt. */
    public enum Variant { TRUE, WRONG_COLOUR, WRONG_SHAPE, WRONG_DIRECTION }

    /** Counts of one variant: attributes compared, agreements, and each side's accuracy against the truth. */
    public static final class Tally {
        int attributes;
        int agreed;
        int learnedRight;
        int detectorRight;
        final int[] agreedByAttribute = new int[3]; // colour, shape, motion
        final int[] byAttribute = new int[3];

        /** Agreement on one attribute kind: 0 colour, 1 shape, 2 motion. */
        public double agreement(int attribute) {
            return byAttribute[attribute] == 0 ? 0 : agreedByAttribute[attribute] / (double) byAttribute[attribute];
        }

        public double agreement() {
            return attributes == 0 ? 0 : agreed / (double) attributes;
        }

        public double learnedAccuracy() {
            return attributes == 0 ? 0 : learnedRight / (double) attributes;
        }

        public double detectorAccuracy() {
            return attributes == 0 ? 0 : detectorRight / (double) attributes;
        }

        void add(Tally o) {
            attributes += o.attributes;
            agreed += o.agreed;
            learnedRight += o.learnedRight;
            detectorRight += o.detectorRight;
            for (int a = 0; a < 3; a++) {
                agreedByAttribute[a] += o.agreedByAttribute[a];
                byAttribute[a] += o.byAttribute[a];
            }
        }
    }

    private Agreement() {}

    /** Per variant, and under {@code null} all variants together. */
    public static Map<Variant, Tally> measure(LearnedAdherenceScorer scorer, Tokenizers tokenizers, int clips) {
        Map<Variant, Tally> out = new EnumMap<>(Variant.class);
        for (int i = 0; i < clips; i++) {
            long seed = SEED_BASE + i;
            ClipSpec spec = ClipSpec.random(seed, Split.HELD_OUT, World.DEFAULT_FRAMES);
            List<ObjectSpec> prompt = spec.objects().stream().map(WorldObject::spec).toList();
            for (Variant v : Variant.values()) {
                ClipSpec shown = corrupt(spec, v, new SplittableRandom(seed * 31 + v.ordinal()));
                Clip clip = ClipRenderer.render(shown);
                List<BufferedImage> decoded = new ArrayList<>();
                for (BufferedImage f : clip.frames()) {
                    decoded.add(tokenizers.decodeFrame(tokenizers.encodeFrame(f)));
                }
                DetectionReport report = Detector.detect(decoded, null, prompt);
                List<double[]> learned = scorer.judge(decoded, prompt);
                Tally t = out.computeIfAbsent(v, k -> new Tally());
                for (int o = 0; o < prompt.size(); o++) {
                    ObjectVerdict d = report.verdicts().get(o);
                    // an object the corrupted clip had to drop (no room for it) is absent: nothing of it is true
                    ObjectSpec truth = o < shown.objects().size() ? shown.objects().get(o).spec() : null;
                    boolean[] det = {d.colourOk(), d.shapeOk(), d.motionOk()};
                    boolean[] real = truth == null ? new boolean[3] : new boolean[] {
                        truth.colour() == prompt.get(o).colour(), truth.shape() == prompt.get(o).shape(),
                        truth.motion() == prompt.get(o).motion()};
                    for (int a = 0; a < 3; a++) {
                        boolean l = learned.get(o)[a] >= 0.5;
                        t.attributes++;
                        t.agreed += l == det[a] ? 1 : 0;
                        t.byAttribute[a]++;
                        t.agreedByAttribute[a] += l == det[a] ? 1 : 0;
                        t.learnedRight += l == real[a] ? 1 : 0;
                        t.detectorRight += det[a] == real[a] ? 1 : 0;
                    }
                }
            }
        }
        return out;
    }

    /** {@code Agreement [--weights FILE] [--clips 40]}: prints the table for shipped (or given) weights. */
    public static void main(String[] args) {
        java.nio.file.Path weights = null;
        int clips = 40;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--weights" -> weights = java.nio.file.Path.of(args[i + 1]);
                case "--clips" -> clips = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; known: --weights --clips");
            }
        }
        try (LearnedAdherenceScorer s = weights == null ? LearnedAdherenceScorer.loadDefault()
                : LearnedAdherenceScorer.load(weights)) {
            print(measure(s, Tokenizers.loadDefault(), clips), clips, System.out);
        }
    }

    /** All variants' tallies summed. */
    public static Tally overall(Map<Variant, Tally> byVariant) {
        Tally all = new Tally();
        byVariant.values().forEach(all::add);
        return all;
    }

    public static void print(Map<Variant, Tally> byVariant, int clips, PrintStream out) {
        out.printf(Locale.ROOT, "learned scorer vs detector on %d held-out clips (tokenizer round trip), per attribute:%n",
                clips);
        out.println("variant           attributes  agreement (colour shape motion)  learned-vs-truth  detector-vs-truth");
        byVariant.forEach((v, t) -> out.printf(Locale.ROOT, "%-17s %10d  %9.3f (%.3f  %.3f  %.3f)  %16.3f  %17.3f%n", v,
                t.attributes, t.agreement(), t.agreement(0), t.agreement(1), t.agreement(2), t.learnedAccuracy(),
                t.detectorAccuracy()));
        Tally all = overall(byVariant);
        out.printf(Locale.ROOT, "%-17s %10d  %9.3f (%.3f  %.3f  %.3f)  %16.3f  %17.3f%n", "ALL", all.attributes,
                all.agreement(), all.agreement(0), all.agreement(1), all.agreement(2), all.learnedAccuracy(),
                all.detectorAccuracy());
        out.printf(Locale.ROOT, "agreement=%.3f learned_accuracy=%.3f detector_accuracy=%.3f%n", all.agreement(),
                all.learnedAccuracy(), all.detectorAccuracy());
    }

    /** The clip with its first object's attribute changed (positions kept unless the direction changes). */
    static ClipSpec corrupt(ClipSpec spec, Variant v, SplittableRandom rnd) {
        if (v == Variant.TRUE) {
            return spec;
        }
        WorldObject first = spec.objects().get(0);
        ObjectSpec o = first.spec();
        Colour other = spec.objects().size() > 1 ? spec.objects().get(1).spec().colour() : null;
        List<WorldObject> candidates = new ArrayList<>();
        switch (v) {
            case WRONG_COLOUR -> {
                Colour c = o.colour();
                while (c == o.colour() || c == other) {
                    c = Colour.values()[rnd.nextInt(Colour.values().length)];
                }
                candidates.add(new WorldObject(new ObjectSpec(o.shape(), c, o.motion()), first.x0(), first.y0(),
                        first.speed()));
            }
            case WRONG_SHAPE -> {
                Shape s = Shape.values()[(o.shape().ordinal() + 1 + rnd.nextInt(2)) % 3];
                candidates.add(new WorldObject(new ObjectSpec(s, o.colour(), o.motion()), first.x0(), first.y0(),
                        first.speed()));
            }
            case WRONG_DIRECTION -> {
                int start = rnd.nextInt(4);
                for (int k = 0; k < 4; k++) {
                    Motion m = Motion.values()[(start + k) % 4];
                    if (m != o.motion()) {
                        candidates.add(placedFor(first, new ObjectSpec(o.shape(), o.colour(), m)));
                    }
                }
            }
            default -> throw new IllegalStateException();
        }
        for (WorldObject w : candidates) {
            List<WorldObject> objs = new ArrayList<>(spec.objects());
            objs.set(0, w);
            ClipSpec c = new ClipSpec(objs, spec.frames(), spec.seed());
            if (!c.overlaps()) {
                return c;
            }
        }
        return new ClipSpec(List.of(candidates.get(0)), spec.frames(), spec.seed());
    }

    /** Keeps the start unless the first {@link World#FREE_STEPS} steps in the new direction would hit a wall. */
    static WorldObject placedFor(WorldObject w, ObjectSpec spec) {
        int free = World.FREE_STEPS * w.speed();
        int x = w.x0();
        int y = w.y0();
        int centre = World.MAX_POS / 2 / World.GRID * World.GRID;
        Motion m = spec.motion();
        if (m.horizontal()) {
            int end = x + m.dx() * free;
            x = end < 0 || end > World.MAX_POS ? centre : x;
        } else {
            int end = y + m.dy() * free;
            y = end < 0 || end > World.MAX_POS ? centre : y;
        }
        return new WorldObject(spec, x, y, w.speed());
    }
}
