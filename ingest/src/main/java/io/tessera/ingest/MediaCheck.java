package io.tessera.ingest;

import io.tessera.media.MediaFormatException;
import io.tessera.media.Png;
import io.tessera.media.Wav;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Checks conditioning media before anything is published: images and frames must be PNG or JPEG within the size
 * and side limits (dimensions are read from the header before any pixel is decoded), audio must be a WAV the
 * pipeline can decode.
 * JPEGs are re-encoded as PNG so tessera.media.in only ever carries {@code image/png} and {@code audio/wav}.
 */
final class MediaCheck {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    /** Sample rates accepted for conditioning audio (the pipeline resamples to its own rate). */
    static final int MIN_SAMPLE_RATE = 8_000;
    static final int MAX_SAMPLE_RATE = 96_000;

    private final int maxImageBytes;
    private final int maxImageSide;
    private final int maxAudioBytes;

    MediaCheck(GatewayConfig cfg) {
        this.maxImageBytes = cfg.maxImageBytes();
        this.maxImageSide = cfg.maxImageSide();
        this.maxAudioBytes = cfg.maxAudioBytes();
    }

    /** The image as PNG bytes, or a 400 naming {@code field}. */
    byte[] imageAsPng(String field, byte[] bytes) {
        if (bytes.length == 0) {
            throw ApiException.badField(field, field + " is empty; expected a PNG or JPEG image");
        }
        if (bytes.length > maxImageBytes) {
            throw ApiException.badField(field, field + " is " + bytes.length + " bytes; the limit is "
                    + maxImageBytes + " bytes");
        }
        boolean png = startsWith(bytes, PNG_MAGIC);
        if (!png && !startsWith(bytes, JPEG_MAGIC)) {
            throw ApiException.badField(field, field + " must be a PNG or JPEG image");
        }
        BufferedImage image = decode(field, bytes);
        if (png) {
            return bytes;
        }
        return Png.encode(toRgb(image));
    }

    private BufferedImage decode(String field, byte[] bytes) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw ApiException.badField(field, field + " could not be decoded as an image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w < 1 || h < 1 || w > maxImageSide || h > maxImageSide) {
                    throw ApiException.badField(field, field + " is " + w + "x" + h + " pixels; each side must be"
                            + " 1.." + maxImageSide);
                }
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw ApiException.badField(field, field + " could not be decoded as an image");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw ApiException.badField(field, field + " could not be decoded as an image: " + e.getMessage());
        }
    }

    private static BufferedImage toRgb(BufferedImage src) {
        if (src.getType() == BufferedImage.TYPE_INT_RGB) {
            return src;
        }
        BufferedImage rgb = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(src, 0, 0, null);
        return rgb;
    }

    /**
     * The audio unchanged once it is known to be a WAV that the pipeline's own decoder ({@link Wav#decode}) reads,
     * within the size limit, or a 400 naming {@code field}.
     */
    byte[] wav(String field, byte[] bytes) {
        if (bytes.length == 0) {
            throw ApiException.badField(field, field + " is empty; expected a WAV file");
        }
        if (bytes.length > maxAudioBytes) {
            throw ApiException.badField(field, field + " is " + bytes.length + " bytes; the limit is "
                    + maxAudioBytes + " bytes");
        }
        Wav.Audio audio;
        try {
            audio = Wav.decode(bytes);
        } catch (MediaFormatException e) {
            throw ApiException.badField(field, field + " must be a PCM or float WAV file: " + e.getMessage());
        }
        if (audio.samples().length == 0) {
            throw ApiException.badField(field, field + " holds no audio samples");
        }
        if (audio.sampleRate() < MIN_SAMPLE_RATE || audio.sampleRate() > MAX_SAMPLE_RATE) {
            throw ApiException.badField(field, field + " has a sample rate of " + audio.sampleRate() + " Hz; it must"
                    + " be in [" + MIN_SAMPLE_RATE + ", " + MAX_SAMPLE_RATE + "] Hz");
        }
        return bytes;
    }

    private static boolean startsWith(byte[] bytes, byte[] magic) {
        if (bytes.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (bytes[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
