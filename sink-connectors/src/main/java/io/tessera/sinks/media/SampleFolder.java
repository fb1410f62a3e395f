package io.tessera.sinks.media;

import io.tessera.media.AnimatedGif;
import io.tessera.media.Png;
import io.tessera.media.Wav;
import io.tessera.sinks.common.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of one sample of one request, {@code <root>/<requestId>/sample-<i>/}:
 * <pre>
 *   frame-0001.png ...        one per VIDEO_FRAME chunk, named index + 1
 *   clip.gif                  all frames on disk, in order; written when the last frame (index total-1) or the
 *                             sample's final chunk arrives, and rebuilt if a frame changes after that
 *   audio-chunks/0001.wav ... one per AUDIO chunk, as received
 *   audio.wav                 the chunks on disk concatenated in index order; rewritten as chunks arrive
 * </pre>
 * Everything is derived from what is on disk, never from memory, so a worker restart (or another task taking the
 * partition over) continues where the last one stopped, and a redelivered chunk rewrites nothing.
 */
final class SampleFolder {

  static final String GIF = "clip.gif";
  static final String WAV = "audio.wav";
  static final String AUDIO_CHUNKS = "audio-chunks";
  private static final Pattern FRAME = Pattern.compile("frame-(\\d+)\\.png");
  private static final Pattern CHUNK = Pattern.compile("(\\d+)\\.wav");

  private final Path dir;
  private final int gifDelayMs;
  private final boolean fsync;

  SampleFolder(Path root, String requestId, int sampleIndex, int gifDelayMs, boolean fsync) {
    this.dir = root.resolve(FolderNames.of(requestId)).resolve("sample-" + sampleIndex);
    this.gifDelayMs = gifDelayMs;
    this.fsync = fsync;
  }

  Path dir() {
    return dir;
  }

  static String frameName(int index) {
    return String.format("frame-%04d.png", index + 1);
  }

  static String chunkName(int index) {
    return String.format("%04d.wav", index + 1);
  }

  /**
   * Writes one frame, then the GIF if this completes the clip (or the GIF exists and the frame changed).
   *
   * @param png a PNG already checked to decode
   * @param last whether this is the sample's last frame or final chunk
   */
  void frame(int index, byte[] png, boolean last) throws IOException {
    boolean changed = AtomicFiles.write(dir.resolve(frameName(index)), png, fsync);
    boolean gifExists = Files.exists(dir.resolve(GIF));
    if ((last && (changed || !gifExists)) || (changed && gifExists)) {
      writeGif();
    }
  }

  /** Writes one audio chunk and rewrites {@code audio.wav} if anything changed or it is missing. */
  void audio(int index, byte[] wav) throws IOException {
    boolean changed = AtomicFiles.write(dir.resolve(AUDIO_CHUNKS).resolve(chunkName(index)), wav, fsync);
    if (changed || !Files.exists(dir.resolve(WAV))) {
      writeWav();
    }
  }

  /** The sample's final chunk arrived: make sure the GIF (if there are frames) and WAV (if audio) exist. */
  void finish() throws IOException {
    if (!Files.exists(dir.resolve(GIF)) && !numbered(dir, FRAME).isEmpty()) {
      writeGif();
    }
    if (!Files.exists(dir.resolve(WAV)) && !numbered(dir.resolve(AUDIO_CHUNKS), CHUNK).isEmpty()) {
      writeWav();
    }
  }

  private void writeGif() throws IOException {
    List<BufferedImage> images = new ArrayList<>();
    for (Path p : numbered(dir, FRAME).values()) {
      images.add(Png.decode(Files.readAllBytes(p)));
    }
    if (!images.isEmpty()) {
      AtomicFiles.write(dir.resolve(GIF), AnimatedGif.encode(images, gifDelayMs), fsync);
    }
  }

  private void writeWav() throws IOException {
    Map<Integer, Path> chunks = numbered(dir.resolve(AUDIO_CHUNKS), CHUNK);
    if (chunks.isEmpty()) {
      return;
    }
    List<byte[]> wavs = new ArrayList<>();
    for (Path p : chunks.values()) {
      wavs.add(Files.readAllBytes(p));
    }
    AtomicFiles.write(dir.resolve(WAV), Wav.concat(wavs), fsync);
  }

  /** Files of {@code dir} whose names match {@code pattern}, by the number in their name. */
  private static Map<Integer, Path> numbered(Path dir, Pattern pattern) throws IOException {
    Map<Integer, Path> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(p -> {
        Matcher m = pattern.matcher(p.getFileName().toString());
        if (m.matches()) {
          out.put(Integer.parseInt(m.group(1)), p);
        }
      });
    }
    return out;
  }
}
