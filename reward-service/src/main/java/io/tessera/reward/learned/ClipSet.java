package io.tessera.reward.learned;

import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.generator.world.Clip;
import io.tessera.generator.world.ClipRenderer;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.Motion;
import io.tessera.generator.world.ObjectState;
import io.tessera.generator.world.Split;
import io.tessera.generator.world.World;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The learned scorer's training data: training-split clips of the world, every other one passed through
 * the video tokenizer and back (the frames a scorer sees in production are decoded ones), stored pooled
 * to 32x32 bytes, with per-pair labels from the renderer's ground truth.
 */
final class ClipSet {

    /** One clip: pooled frames and, per colour, whether it is there, its shape and per pair its direction. */
    record Item(byte[][] frames, float[] present, int[] shape, int[][] direction) {}

    final List<Item> items = new ArrayList<>();

    /** Clips with seeds {@code [0, clips)} of {@link Split#TRAIN}, {@code frames} frames each. */
    static ClipSet build(int clips, int frames, Tokenizers tokenizers) {
        ClipSet set = new ClipSet();
        for (int i = 0; i < clips; i++) {
            Clip clip = ClipRenderer.render(ClipSpec.random(i, Split.TRAIN, frames));
            set.items.add(item(clip, i % 2 == 1 ? tokenizers : null));
        }
        return set;
    }

    static Item item(Clip clip, Tokenizers roundTrip) {
        int n = clip.frames().size();
        byte[][] pooled = new byte[n][];
        for (int f = 0; f < n; f++) {
            BufferedImage img = clip.frames().get(f);
            if (roundTrip != null) {
                img = roundTrip.decodeFrame(roundTrip.encodeFrame(img));
            }
            pooled[f] = PairPixels.pool(img);
        }
        float[] present = new float[AttributeNet.COLOURS];
        int[] shape = new int[AttributeNet.COLOURS];
        int[][] direction = new int[n - 1][AttributeNet.COLOURS];
        for (int o = 0; o < clip.spec().objects().size(); o++) {
            int c = clip.spec().objects().get(o).spec().colour().ordinal();
            present[c] = 1;
            shape[c] = clip.spec().objects().get(o).spec().shape().ordinal();
            for (int f = 0; f + 1 < n; f++) {
                direction[f][c] = moved(clip.truth().get(f).get(o), clip.truth().get(f + 1).get(o)).ordinal();
            }
        }
        return new Item(pooled, present, shape, direction);
    }

    /** The way an object moved between two frames (the world always moves along one axis). */
    static Motion moved(ObjectState a, ObjectState b) {
        int dx = b.x() - a.x();
        int dy = b.y() - a.y();
        if (Math.abs(dx) >= Math.abs(dy)) {
            return dx >= 0 ? Motion.RIGHT : Motion.LEFT;
        }
        return dy >= 0 ? Motion.DOWN : Motion.UP;
    }

    /** A batch of random (clip, pair) draws: step {@code step} of the seeded stream. */
    Batch batch(long seed, long step, int size) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
        int k = AttributeNet.COLOURS;
        float[][] x = new float[size][];
        float[] present = new float[size * k];
        long[] shape = new long[size * k];
        long[] direction = new long[size * k];
        for (int b = 0; b < size; b++) {
            Item it = items.get(rnd.nextInt(items.size()));
            int p = rnd.nextInt(it.frames().length - 1);
            boolean reversed = rnd.nextInt(4) == 0; // time-reversed pairs: the same objects moving the other way
            x[b] = reversed ? PairPixels.pair(it.frames()[p + 1], it.frames()[p])
                    : PairPixels.pair(it.frames()[p], it.frames()[p + 1]);
            for (int c = 0; c < k; c++) {
                present[b * k + c] = it.present()[c];
                shape[b * k + c] = it.shape()[c];
                int d = it.direction()[p][c];
                direction[b * k + c] = reversed ? opposite(d) : d;
            }
        }
        return new Batch(x, present, shape, direction);
    }

    static int opposite(int motion) {
        return switch (Motion.values()[motion]) {
            case LEFT -> Motion.RIGHT.ordinal();
            case RIGHT -> Motion.LEFT.ordinal();
            case UP -> Motion.DOWN.ordinal();
            case DOWN -> Motion.UP.ordinal();
        };
    }

    /**
     * @param x         per draw the (6, 32, 32) input
     * @param present   (B * COLOURS) 1 when the colour is in the pair
     * @param shape     (B * COLOURS) shape label (0 where absent; masked)
     * @param direction (B * COLOURS) direction label (0 where absent; masked)
     */
    record Batch(float[][] x, float[] present, long[] shape, long[] direction) {}
}
