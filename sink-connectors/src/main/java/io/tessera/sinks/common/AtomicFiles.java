package io.tessera.sinks.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Whole-file writes that a reader never sees half done and that repeat without effect: the bytes go to a temp file in
 * the target's own folder (same file system), are forced to disk, and the temp file is renamed over the target with
 * {@code ATOMIC_MOVE}. A target that already holds exactly these bytes is left alone (not even its modification
 * time changes), which is what makes a redelivered record a no-op.
 */
public final class AtomicFiles {

  /** Temp files start with this, so listings of frames and chunks never pick one up. */
  public static final String TEMP_PREFIX = ".tmp-";

  private AtomicFiles() {}

  /**
   * Writes {@code bytes} to {@code target} unless it already holds them.
   *
   * @param fsync force the data to disk before the rename (survives a power cut, not just a process crash)
   * @return true if the file was (re)written, false if it already held these bytes
   */
  public static boolean write(Path target, byte[] bytes, boolean fsync) throws IOException {
    if (sameContent(target, bytes)) {
      return false;
    }
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, TEMP_PREFIX + target.getFileName() + ".", "");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        if (fsync) {
          ch.force(true);
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return true;
  }

  /** Whether {@code file} exists and holds exactly {@code bytes}. */
  public static boolean sameContent(Path file, byte[] bytes) throws IOException {
    if (!Files.isRegularFile(file) || Files.size(file) != bytes.length) {
      return false;
    }
    return Arrays.equals(Files.readAllBytes(file), bytes);
  }
}
