package io.tessera.ingest.cli;

import io.tessera.media.AnimatedGif;
import io.tessera.media.Png;
import io.tessera.media.Wav;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes one request's output under {@code dir}: {@code sample-<i>/frame-NNN.png} as each frame arrives, then
 * {@code clip.gif} (8 fps) and {@code audio.wav} (the audio chunks in order, concatenated) when the stream is done.
 * Files are written to a temp name and renamed, so a reader never sees half a file.
 */
final class ClipWriter {

    /** 8 frames per second: the model's frame rate. */
    static final int GIF_FRAME_DELAY_MS = 125;

    private final Path dir;
    private final Map<Integer, TreeMap<Integer, byte[]>> frames = new TreeMap<>();
    private final Map<Integer, TreeMap<Integer, byte[]>> audio = new TreeMap<>();

    ClipWriter(Path dir) {
        this.dir = dir;
    }

    Path sampleDir(int sample) {
        return dir.resolve("sample-" + sample);
    }

    void frame(int sample, int index, byte[] png) throws IOException {
        frames.computeIfAbsent(sample, s -> new TreeMap<>()).put(index, png);
        write(sampleDir(sample).resolve(String.format("frame-%03d.png", index)), png);
    }

    void audio(int sample, int index, byte[] wav) {
        audio.computeIfAbsent(sample, s -> new TreeMap<>()).put(index, wav);
    }

    /** Writes the GIF and WAV of every sample and returns every file of the request, frames first. */
    List<Path> finish() throws IOException {
        List<Path> written = new ArrayList<>();
        for (Map.Entry<Integer, TreeMap<Integer, byte[]>> e : frames.entrySet()) {
            List<BufferedImage> images = new ArrayList<>();
            for (Map.Entry<Integer, byte[]> f : e.getValue().entrySet()) {
                images.add(Png.decode(f.getValue()));
                written.add(sampleDir(e.getKey()).resolve(String.format("frame-%03d.png", f.getKey())));
            }
            Path gif = sampleDir(e.getKey()).resolve("clip.gif");
            write(gif, AnimatedGif.encode(images, GIF_FRAME_DELAY_MS));
            written.add(gif);
        }
        for (Map.Entry<Integer, TreeMap<Integer, byte[]>> e : audio.entrySet()) {
            Path wav = sampleDir(e.getKey()).resolve("audio.wav");
            write(wav, Wav.concat(e.getValue().values()));
            written.add(wav);
        }
        return written;
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
