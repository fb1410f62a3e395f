package io.tessera.generator.tokenize;

import io.tessera.generator.world.World;
import java.awt.image.BufferedImage;

/**
 * The baseline the shipped {@link VideoTokenizer} was chosen against: plain k-means over raw RGB
 * patches (no palette factoring). Kept for the comparison in {@code TokenizerComparison}.
 */
final class RgbPatchTokenizer implements VideoCodec {
    private final int patch;
    private final float[][] centroids; // (codes, patch * patch * 3), RGB in [0, 1]

    private RgbPatchTokenizer(int patch, float[][] centroids) {
        this.patch = patch;
        this.centroids = centroids;
    }

    @Override
    public int tokensPerFrame() {
        int g = World.SIZE / patch;
        return g * g;
    }

    @Override
    public int codebookSize() {
        return centroids.length;
    }

    @Override
    public int[] encode(BufferedImage frame) {
        BufferedImage img = Images.toWorldSize(frame);
        int[] codes = new int[tokensPerFrame()];
        for (int t = 0; t < codes.length; t++) {
            codes[t] = KMeans.nearestIndex(centroids, vector(img, patch, t));
        }
        return codes;
    }

    @Override
    public BufferedImage decode(int[] codes) {
        BufferedImage img = new BufferedImage(World.SIZE, World.SIZE, BufferedImage.TYPE_INT_RGB);
        int g = World.SIZE / patch;
        for (int t = 0; t < codes.length; t++) {
            float[] c = centroids[codes[t]];
            for (int i = 0; i < patch * patch; i++) {
                int r = Math.round(c[3 * i] * 255);
                int gg = Math.round(c[3 * i + 1] * 255);
                int b = Math.round(c[3 * i + 2] * 255);
                img.setRGB((t % g) * patch + i % patch, (t / g) * patch + i / patch, (r << 16) | (gg << 8) | b);
            }
        }
        return img;
    }

    static float[] vector(BufferedImage img, int patch, int t) {
        int g = World.SIZE / patch;
        float[] v = new float[patch * patch * 3];
        for (int i = 0; i < patch * patch; i++) {
            int rgb = img.getRGB((t % g) * patch + i % patch, (t / g) * patch + i / patch);
            v[3 * i] = ((rgb >> 16) & 0xff) / 255f;
            v[3 * i + 1] = ((rgb >> 8) & 0xff) / 255f;
            v[3 * i + 2] = (rgb & 0xff) / 255f;
        }
        return v;
    }

    static RgbPatchTokenizer train(Iterable<BufferedImage> frames, int patch, int codes, int iterations, long seed) {
        KMeans.Points points = new KMeans.Points();
        int g = World.SIZE / patch;
        for (BufferedImage f : frames) {
            BufferedImage img = Images.toWorldSize(f);
            for (int t = 0; t < g * g; t++) {
                float[] v = vector(img, patch, t);
                points.add(v);
            }
        }
        return new RgbPatchTokenizer(patch, points.fit(codes, iterations, seed));
    }
}
