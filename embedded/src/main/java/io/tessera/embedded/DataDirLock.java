package io.tessera.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS file lock that keeps a second process (or a second server in this JVM) off a data directory
 * while it is in use. Two Kafka servers writing one metadata log corrupt it, so the broker takes this lock before
 * it touches its directory.
 */
public final class DataDirLock implements AutoCloseable {

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock on {@code lockFile} (created if missing) or fails at once.
   *
   * @param holder what the directory is used by, for the message, e.g. {@code "a Kafka broker"}
   * @throws EmbeddedKafkaException naming the directory when someone else holds the lock
   */
  public static DataDirLock acquire(Path lockFile, String holder) {
    FileChannel channel = null;
    try {
      Files.createDirectories(lockFile.toAbsolutePath().getParent());
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return new DataDirLock(lockFile, channel, lock);
      }
    } catch (OverlappingFileLockException e) {
      // held by this JVM: same answer as another process
    } catch (IOException e) {
      closeQuietly(channel);
      throw new EmbeddedKafkaException("Cannot lock " + lockFile + ": " + e.getMessage(), e);
    }
    closeQuietly(channel);
    throw new EmbeddedKafkaException(lockFile.toAbsolutePath().getParent() + " is already used by " + holder
        + " (lock " + lockFile.getFileName() + "); stop it or pass another data directory (--data-dir DIR)", null);
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // the channel closes below, which releases the lock anyway
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing left to release
      }
    }
  }
}
