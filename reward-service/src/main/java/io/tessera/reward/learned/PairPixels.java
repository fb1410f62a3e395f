package io.tessera.reward.learned;

import io.tessera.generator.world.World;
import java.awt.image.BufferedImage;

/** Frames to the network's input: each 64x64 RGB frame 2x2-average-pooled to 32x32, channels first, in [0, 1]. */
final class PairPixels {
    static final int FRAME = 3 * AttributeNet.SIDE * AttributeNet.SIDE;

    private PairPixels() {}

    /** One world-size frame -> (3, 32, 32) as bytes 0..255 (compact for training sets). */
    static byte[] pool(BufferedImage f) {
        if (f.getWidth() != World.SIZE || f.getHeight() != World.SIZE) {
            throw new IllegalArgumentException("frames must be " + World.SIZE + "x" + World.SIZE);
        }
        int s = AttributeNet.SIDE;
        byte[] out = new byte[FRAME];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                int r = 0;
                int g = 0;
                int b = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        int rgb = f.getRGB(2 * x + dx, 2 * y + dy);
                        r += (rgb >> 16) & 0xff;
                        g += (rgb >> 8) & 0xff;
                        b += rgb & 0xff;
                    }
                }
                out[y * s + x] = (byte) ((r + 2) / 4);
                out[s * s + y * s + x] = (byte) ((g + 2) / 4);
                out[2 * s * s + y * s + x] = (byte) ((b + 2) / 4);
            }
        }
        return out;
    }

    /** Two pooled frames -> one (6, 32, 32) input in [0, 1]. */
    static float[] pair(byte[] a, byte[] b) {
        float[] out = new float[2 * FRAME];
        for (int i = 0; i < FRAME; i++) {
            out[i] = (a[i] & 0xff) / 255f;
            out[FRAME + i] = (b[i] & 0xff) / 255f;
        }
        return out;
    }
}
