package io.tessera.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds and clears a job's retained checkpoints ({@code <dir>/chk-N/_metadata}, Flink's file layout). */
final class Checkpoints {

  private static final String PREFIX = "chk-";
  private static final String METADATA = "_metadata";

  /** The complete checkpoint with the highest number under {@code jobDir}, if any. */
  static Optional<Path> latest(Path jobDir) {
    if (!Files.isDirectory(jobDir)) {
      return Optional.empty();
    }
    try (Stream<Path> children = Files.list(jobDir)) {
      return children
          .filter(p -> p.getFileName().toString().matches(PREFIX + "\\d+"))
          .filter(p -> Files.isRegularFile(p.resolve(METADATA)))
          .max(Comparator.comparingLong(Checkpoints::number));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + jobDir, e);
    }
  }

  /** Deletes {@code jobDir} and everything in it; a missing directory is fine. */
  static void delete(Path jobDir) {
    if (!Files.exists(jobDir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(jobDir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new StackException("Cannot clear old checkpoints in " + jobDir + ": " + e.getMessage(), e);
    }
  }

  static long number(Path checkpointDir) {
    return Long.parseLong(checkpointDir.getFileName().toString().substring(PREFIX.length()));
  }

  private Checkpoints() {}
}
