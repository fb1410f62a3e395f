package io.tessera.jobs.condition;

import io.tessera.media.Png;
import io.tessera.media.Wav;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;

/** Conditioning requests and media chunks as the gateway publishes them, for the tests. */
public final class ConditionMedia {

    private ConditionMedia() {}

    /** A solid-colour square of {@code side} pixels with a white 8x8 block at (x, 8). */
    public static BufferedImage image(int side, Color colour, int x) {
        BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, side, side);
        g.setColor(Color.WHITE);
        g.fillRect(x, 8, 8, 8);
        g.dispose();
        return img;
    }

    public static byte[] png(BufferedImage img) {
        return Png.encode(img);
    }

    public static byte[] jpeg(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "jpeg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code seconds} of a 440 Hz tone at {@code rate} Hz as a WAV. */
    public static byte[] wav(double seconds, int rate) {
        float[] samples = new float[(int) Math.round(seconds * rate)];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / rate));
        }
        return Wav.encode(samples, rate);
    }

    public static GenerationRequest request(String id, Task task, int frames, int audioChunks, int framesToGenerate) {
        return GenerationRequest.newBuilder()
                .setRequestId(id).setTask(task).setPrompt("a red circle moving left")
                .setConditioningFrames(frames).setConditioningAudioChunks(audioChunks)
                .setSampling(SamplingParams.newBuilder().setFrames(framesToGenerate).setSeed(id.hashCode()).build())
                .build();
    }

    public static MediaChunk frame(String id, int index, int total, byte[] data) {
        return chunk(id, MediaKind.VIDEO_FRAME, index, total, Png.isPng(data) ? "image/png" : "image/jpeg", data);
    }

    public static MediaChunk audio(String id, int index, int total, byte[] wav) {
        return chunk(id, MediaKind.AUDIO, index, total, "audio/wav", wav);
    }

    public static MediaChunk chunk(String id, MediaKind kind, int index, int total, String type, byte[] data) {
        return MediaChunk.newBuilder().setRequestId(id).setKind(kind).setIndex(index).setTotal(total)
                .setContentType(type).setData(ByteBuffer.wrap(data)).setFinal$(index == total - 1).build();
    }
}
