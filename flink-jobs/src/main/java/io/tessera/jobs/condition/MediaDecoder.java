package io.tessera.jobs.condition;

import io.tessera.generator.tokenize.Images;
import io.tessera.generator.world.World;
import io.tessera.media.MediaFormatException;
import io.tessera.media.Png;
import io.tessera.media.Resample;
import io.tessera.media.Wav;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Conditioning chunks to what the generator takes: a frame (PNG or JPEG, any size up to {@code maxImageSide},
 * checked from the header before any pixel is decoded) becomes the world's 64x64 RGB exactly as the video
 * tokenizer would resize it ({@link Images#toWorldSize}); audio (any WAV {@link Wav#decode} reads) becomes 16 kHz
 * mono ({@link Resample#to}), cut to {@code maxAudioSamples}. Anything else raises {@link MalformedMediaException}.
 */
final class MediaDecoder {

    private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    private final int maxImageSide;
    private final int maxAudioSamples;

    /**
     * @param maxImageSide    largest width or height accepted
     * @param maxFrames       most conditioning frames a request may have: audio beyond that many frames
     *                        ({@value World#SAMPLES_PER_FRAME} samples each) is never used and is cut
     */
    MediaDecoder(int maxImageSide, int maxFrames) {
        this.maxImageSide = maxImageSide;
        this.maxAudioSamples = maxFrames * World.SAMPLES_PER_FRAME;
    }

    /** The chunk as a state entry: its digest and its decoded frame or audio. */
    MediaPart decode(MediaChunk chunk) {
        byte[] data = bytes(chunk.getData());
        if (data.length == 0) {
            throw new MalformedMediaException(describe(chunk) + " has no data");
        }
        long digest = digest(data);
        return chunk.getKind() == MediaKind.VIDEO_FRAME
                ? MediaPart.frame(digest, frame(chunk, data))
                : MediaPart.audio(digest, audio(chunk, data));
    }

    /** The digest a chunk's data would have in state (duplicate detection). */
    static long digest(MediaChunk chunk) {
        return digest(bytes(chunk.getData()));
    }

    private int[] frame(MediaChunk chunk, byte[] data) {
        String type = contentType(chunk);
        boolean png = Png.isPng(data);
        boolean jpeg = startsWith(data, JPEG_MAGIC);
        if (!png && !jpeg) {
            throw new MalformedMediaException(describe(chunk) + " (" + type + ", " + data.length
                    + " bytes) is neither a PNG nor a JPEG image");
        }
        if (!type.equals("image/png") && !type.equals("image/jpeg")) {
            throw new MalformedMediaException(describe(chunk) + " has content type '" + type
                    + "'; a frame must be image/png or image/jpeg");
        }
        BufferedImage image;
        try {
            image = png ? checkedPng(chunk, data) : readImage(chunk, data);
        } catch (MediaFormatException e) {
            throw new MalformedMediaException(describe(chunk) + " is not a valid image: " + e.getMessage(), e);
        }
        BufferedImage world = Images.toWorldSize(image);
        int side = ConditionedRequest.FRAME_SIDE;
        int[] pixels = world.getRGB(0, 0, side, side, null, 0, side);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] &= 0xFFFFFF;
        }
        return pixels;
    }

    /** PNG through the schemas codec, after the header's size check. */
    private BufferedImage checkedPng(MediaChunk chunk, byte[] data) {
        readImage(chunk, data, true);
        return Png.decode(data);
    }

    private BufferedImage readImage(MediaChunk chunk, byte[] data) {
        return readImage(chunk, data, false);
    }

    /** Reads the header (size check) and, unless {@code headerOnly}, the pixels. */
    private BufferedImage readImage(MediaChunk chunk, byte[] data, boolean headerOnly) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new MalformedMediaException(describe(chunk) + " could not be read as an image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w < 1 || h < 1 || w > maxImageSide || h > maxImageSide) {
                    throw new MalformedMediaException(describe(chunk) + " is " + w + "x" + h
                            + " pixels; each side must be 1.." + maxImageSide);
                }
                if (headerOnly) {
                    return null;
                }
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw new MalformedMediaException(describe(chunk) + " holds no image");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof MalformedMediaException m) {
                throw m;
            }
            throw new MalformedMediaException(describe(chunk) + " is not a valid image: " + e.getMessage(), e);
        }
    }

    private float[] audio(MediaChunk chunk, byte[] data) {
        String type = contentType(chunk);
        if (!type.equals("audio/wav") && !type.equals("audio/wave") && !type.equals("audio/x-wav")) {
            throw new MalformedMediaException(describe(chunk) + " has content type '" + type
                    + "'; audio must be audio/wav");
        }
        Wav.Audio audio;
        try {
            audio = Wav.decode(data);
        } catch (MediaFormatException | IllegalArgumentException e) {
            throw new MalformedMediaException(describe(chunk) + " is not a readable WAV file: " + e.getMessage(), e);
        }
        if (audio.samples().length == 0) {
            throw new MalformedMediaException(describe(chunk) + " holds no audio samples");
        }
        // Cut before resampling what would be cut after it anyway (plus a little for the filter's edge).
        long keep = (long) Math.ceil((maxAudioSamples + 64) * (double) audio.sampleRate() / World.SAMPLE_RATE);
        float[] in = audio.samples().length > keep ? Arrays.copyOf(audio.samples(), (int) keep) : audio.samples();
        float[] out = Resample.to(in, audio.sampleRate(), World.SAMPLE_RATE);
        return out.length > maxAudioSamples ? Arrays.copyOf(out, maxAudioSamples) : out;
    }

    static String describe(MediaChunk chunk) {
        return (chunk.getKind() == MediaKind.VIDEO_FRAME ? "conditioning frame " : "conditioning audio chunk ")
                + chunk.getIndex();
    }

    private static String contentType(MediaChunk chunk) {
        String type = chunk.getContentType() == null ? "" : chunk.getContentType().trim().toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        return semicolon < 0 ? type : type.substring(0, semicolon).trim();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return new byte[0];
        }
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static long digest(byte[] data) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(data)).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
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
