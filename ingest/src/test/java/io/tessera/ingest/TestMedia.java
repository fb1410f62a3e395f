package io.tessera.ingest;

import io.tessera.media.Png;
import io.tessera.media.Wav;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Small real media for tests: a frame with a coloured disc, as PNG or JPEG; a sine tone as WAV. */
public final class TestMedia {

    private TestMedia() {}

    public static BufferedImage image(int w, int h, int shift) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.DARK_GRAY);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.RED);
        g.fillOval(shift % w, h / 4, w / 3, h / 3);
        g.dispose();
        return img;
    }

    public static byte[] png(int w, int h, int shift) {
        return Png.encode(image(w, h, shift));
    }

    public static byte[] jpeg(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image(w, h, 3), "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] wav(int samples, int rate) {
        float[] s = new float[samples];
        for (int i = 0; i < samples; i++) {
            s[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / rate));
        }
        return Wav.encode(s, rate);
    }
}
