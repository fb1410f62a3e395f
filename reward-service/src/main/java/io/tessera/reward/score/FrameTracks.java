package io.tessera.reward.score;

import io.tessera.generator.world.Colour;
import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Per palette colour, where its largest blob of lit pixels is in every frame: the raw material of the
 * temporal-consistency scorer. A pixel is lit when its brightest channel reaches {@link #LIT}; it takes
 * the nearest palette colour; blobs are 4-connected and need {@link #MIN_AREA} pixels.
 */
final class FrameTracks {
    static final int LIT = 96;
    /** Smaller blobs are speckle, not objects (a world object covers 128-256 pixels). */
    static final int MIN_AREA = 16;

    /** One blob: pixel count and centroid. */
    record Blob(int area, double cx, double cy) {}

    /** tracks.get(colour)[frame] = that colour's largest blob in the frame, or null. */
    final Map<Colour, Blob[]> tracks = new EnumMap<>(Colour.class);
    final int frames;

    private FrameTracks(int frames) {
        this.frames = frames;
    }

    /** Frames must be of the world's size ({@link Frames#toWorldSize}). */
    static FrameTracks of(List<BufferedImage> frames) {
        FrameTracks t = new FrameTracks(frames.size());
        for (int f = 0; f < frames.size(); f++) {
            for (Map.Entry<Colour, Blob> e : largestBlobs(frames.get(f)).entrySet()) {
                t.tracks.computeIfAbsent(e.getKey(), c -> new Blob[frames.size()])[f] = e.getValue();
            }
        }
        return t;
    }

    static int seen(Blob[] track) {
        int n = 0;
        for (Blob b : track) {
            n += b == null ? 0 : 1;
        }
        return n;
    }

    static Map<Colour, Blob> largestBlobs(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] label = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int max = Math.max((rgb >> 16) & 0xff, Math.max((rgb >> 8) & 0xff, rgb & 0xff));
                label[y * w + x] = max >= LIT ? Colour.nearest(rgb).ordinal() : -1;
            }
        }
        boolean[] done = new boolean[w * h];
        Map<Colour, Blob> best = new EnumMap<>(Colour.class);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < w * h; start++) {
            if (label[start] < 0 || done[start]) {
                continue;
            }
            int c = label[start];
            int area = 0;
            double sx = 0;
            double sy = 0;
            done[start] = true;
            queue.add(start);
            while (!queue.isEmpty()) {
                int p = queue.poll();
                int x = p % w;
                int y = p / w;
                area++;
                sx += x;
                sy += y;
                int[] nb = {x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1};
                for (int q : nb) {
                    if (q >= 0 && !done[q] && label[q] == c) {
                        done[q] = true;
                        queue.add(q);
                    }
                }
            }
            Colour colour = Colour.values()[c];
            Blob prev = best.get(colour);
            if (area >= MIN_AREA && (prev == null || area > prev.area())) {
                best.put(colour, new Blob(area, sx / area + 0.5, sy / area + 0.5));
            }
        }
        return best;
    }
}
