package io.tessera.reward.score;

import io.tessera.generator.world.World;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** Brings frames of any size to the world's {@link World#SIZE}^2 RGB, which the scorers' pixel thresholds assume. */
public final class Frames {

    private Frames() {}

    public static List<BufferedImage> toWorldSize(List<BufferedImage> frames) {
        List<BufferedImage> out = new ArrayList<>(frames.size());
        for (BufferedImage f : frames) {
            out.add(toWorldSize(f));
        }
        return out;
    }

    public static BufferedImage toWorldSize(BufferedImage f) {
        if (f.getWidth() == World.SIZE && f.getHeight() == World.SIZE) {
            return f;
        }
        BufferedImage out = new BufferedImage(World.SIZE, World.SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(f, 0, 0, World.SIZE, World.SIZE, null);
        g.dispose();
        return out;
    }
}
