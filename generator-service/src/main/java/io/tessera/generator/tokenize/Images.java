package io.tessera.generator.tokenize;

import io.tessera.generator.world.World;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Image helpers: bring any picture to the world's 64x64 RGB, and PSNR. */
public final class Images {

    private Images() {}

    /** The image itself when already 64x64, else a bilinear resize to 64x64 RGB. */
    public static BufferedImage toWorldSize(BufferedImage img) {
        if (img == null) {
            throw new IllegalArgumentException("image is null");
        }
        if (img.getWidth() == World.SIZE && img.getHeight() == World.SIZE) {
            return img;
        }
        BufferedImage out = new BufferedImage(World.SIZE, World.SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, World.SIZE, World.SIZE, null);
        g.dispose();
        return out;
    }

    /** Mean squared error over RGB channels, in [0,1]^2 units. */
    public static double mse(BufferedImage a, BufferedImage b) {
        double s = 0;
        int w = a.getWidth();
        int h = a.getHeight();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int sh = 0; sh <= 16; sh += 8) {
                    double e = (((p >> sh) & 0xff) - ((q >> sh) & 0xff)) / 255.0;
                    s += e * e;
                }
            }
        }
        return s / (3.0 * w * h);
    }

    /** PSNR in dB from a mean squared error (capped at 99 dB for identical images). */
    public static double psnr(double mse) {
        return mse <= 1e-10 ? 99 : 10 * Math.log10(1 / mse);
    }
}
