package io.tessera.generator.tokenize;

import io.tessera.generator.world.Colour;
import io.tessera.generator.world.World;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The shipped video tokenizer: a 64x64 frame is a 4x4 grid of 16x16 patches, and each patch is one
 * code = (learned mask, palette colour). The mask is the patch's coverage by its dominant palette
 * colour, in [0,1] per pixel; masks are learned by k-means over training patches. So 16 codes per
 * frame, and a codebook of {@code 1 + masks * 8}: code 0 is an empty (black) patch, code
 * {@code 1 + m * 8 + c} is mask m painted in colour c. Colour is exact by construction and shape
 * survives as the mask: see the README for the comparison with plain k-means over RGB patches.
 */
public final class VideoTokenizer implements VideoCodec {
    public static final int PATCH = 16;
    public static final int GRID = World.SIZE / PATCH;
    public static final int TOKENS_PER_FRAME = GRID * GRID;
    public static final int DEFAULT_MASKS = 256;
    private static final int MAGIC = 0x54565431; // "TVT1"
    private static final Colour[] PALETTE = Colour.values();

    private final float[][] masks; // (masks, PATCH * PATCH), coverage in [0, 1]

    VideoTokenizer(float[][] masks) {
        for (float[] m : masks) {
            if (m.length != PATCH * PATCH) {
                throw new IllegalArgumentException("mask length " + m.length + " != " + PATCH * PATCH);
            }
        }
        this.masks = masks;
    }

    public int masks() {
        return masks.length;
    }

    /** Palette colours: code {@code 1 + m * colours() + c} is mask m in colour c. */
    public int colours() {
        return PALETTE.length;
    }

    @Override
    public int tokensPerFrame() {
        return TOKENS_PER_FRAME;
    }

    @Override
    public int codebookSize() {
        return 1 + masks.length * PALETTE.length;
    }

    @Override
    public int[] encode(BufferedImage frame) {
        BufferedImage img = Images.toWorldSize(frame);
        int[] codes = new int[TOKENS_PER_FRAME];
        float[] alpha = new float[PATCH * PATCH];
        for (int t = 0; t < TOKENS_PER_FRAME; t++) {
            int colour = patchMask(img, t, alpha);
            codes[t] = colour < 0 ? 0 : 1 + KMeans.nearestIndex(masks, alpha) * PALETTE.length + colour;
        }
        return codes;
    }

    @Override
    public BufferedImage decode(int[] codes) {
        if (codes == null || codes.length != TOKENS_PER_FRAME) {
            throw new IllegalArgumentException("a frame takes " + TOKENS_PER_FRAME + " video codes, got "
                    + (codes == null ? "null" : codes.length));
        }
        BufferedImage img = new BufferedImage(World.SIZE, World.SIZE, BufferedImage.TYPE_INT_RGB);
        for (int t = 0; t < TOKENS_PER_FRAME; t++) {
            int code = codes[t];
            if (code < 0 || code >= codebookSize()) {
                throw new IllegalArgumentException("video code " + code + " outside [0, " + codebookSize() + ")");
            }
            if (code == 0) {
                continue;
            }
            float[] m = masks[(code - 1) / PALETTE.length];
            Colour c = PALETTE[(code - 1) % PALETTE.length];
            int px = (t % GRID) * PATCH;
            int py = (t / GRID) * PATCH;
            for (int i = 0; i < PATCH * PATCH; i++) {
                float a = m[i];
                int r = Math.round(a * c.r());
                int g = Math.round(a * c.g());
                int b = Math.round(a * c.b());
                img.setRGB(px + i % PATCH, py + i / PATCH, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /**
     * Fills {@code alpha} with patch t's coverage by its dominant palette colour and returns that
     * colour's ordinal, or -1 when every pixel is nearer black than any palette colour.
     */
    static int patchMask(BufferedImage img, int t, float[] alpha) {
        int px = (t % GRID) * PATCH;
        int py = (t / GRID) * PATCH;
        int[] nearest = new int[PATCH * PATCH];
        int[] votes = new int[PALETTE.length];
        int lit = 0;
        for (int i = 0; i < PATCH * PATCH; i++) {
            int rgb = img.getRGB(px + i % PATCH, py + i / PATCH);
            nearest[i] = nearestOrBlack(rgb);
            if (nearest[i] >= 0) {
                votes[nearest[i]]++;
                lit++;
            }
        }
        if (lit == 0) {
            return -1;
        }
        int c = 0;
        for (int k = 1; k < votes.length; k++) {
            if (votes[k] > votes[c]) {
                c = k;
            }
        }
        Colour col = PALETTE[c];
        double norm = col.r() * col.r() + col.g() * col.g() + col.b() * col.b();
        for (int i = 0; i < PATCH * PATCH; i++) {
            if (nearest[i] != c) {
                alpha[i] = 0;
                continue;
            }
            int rgb = img.getRGB(px + i % PATCH, py + i / PATCH);
            double dot = ((rgb >> 16) & 0xff) * col.r() + ((rgb >> 8) & 0xff) * col.g() + (rgb & 0xff) * col.b();
            alpha[i] = (float) Math.max(0, Math.min(1, dot / norm));
        }
        return c;
    }

    /** Ordinal of the nearest palette colour, or -1 when black is nearer than every palette colour. */
    static int nearestOrBlack(int rgb) {
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        int black = r * r + g * g + b * b;
        Colour c = Colour.nearest(rgb);
        int dr = r - c.r();
        int dg = g - c.g();
        int db = b - c.b();
        return dr * dr + dg * dg + db * db < black ? c.ordinal() : -1;
    }

    /** Learns {@code masks} coverage masks from the non-empty patches of the given frames. */
    public static VideoTokenizer train(Iterable<BufferedImage> frames, int masks, int iterations, long seed) {
        KMeans.Points points = new KMeans.Points();
        float[] alpha = new float[PATCH * PATCH];
        for (BufferedImage f : frames) {
            BufferedImage img = Images.toWorldSize(f);
            for (int t = 0; t < TOKENS_PER_FRAME; t++) {
                if (patchMask(img, t, alpha) < 0) {
                    continue;
                }
                points.add(alpha);
            }
        }
        return new VideoTokenizer(points.fit(masks, iterations, seed));
    }

    public void write(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        d.writeInt(PATCH);
        d.writeInt(masks.length);
        for (float[] m : masks) {
            for (float a : m) {
                d.writeFloat(a);
            }
        }
        d.flush();
    }

    public static VideoTokenizer read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() != MAGIC) {
            throw new IOException("not a video tokenizer file (bad magic)");
        }
        int patch = d.readInt();
        if (patch != PATCH) {
            throw new IOException("video tokenizer patch " + patch + " != " + PATCH);
        }
        int n = d.readInt();
        if (n < 1 || n > 65_536) {
            throw new IOException("implausible mask count " + n);
        }
        float[][] masks = new float[n][PATCH * PATCH];
        for (float[] m : masks) {
            for (int i = 0; i < m.length; i++) {
                m[i] = d.readFloat();
            }
        }
        return new VideoTokenizer(masks);
    }
}
