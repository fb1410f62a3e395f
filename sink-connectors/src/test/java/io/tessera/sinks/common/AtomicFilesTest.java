package io.tessera.sinks.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  @TempDir
  Path dir;

  @Test
  void writesReplacesAndSkipsIdenticalContent() throws IOException {
    Path f = dir.resolve("a/b/file.bin");
    assertThat(AtomicFiles.write(f, new byte[] {1, 2, 3}, true)).isTrue();
    FileTime first = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(f, first);

    assertThat(AtomicFiles.write(f, new byte[] {1, 2, 3}, true)).isFalse();
    assertThat(Files.getLastModifiedTime(f)).isEqualTo(first);

    assertThat(AtomicFiles.write(f, new byte[] {1, 2, 4}, false)).isTrue();
    assertThat(f).hasBinaryContent(new byte[] {1, 2, 4});
    assertThat(entries(f.getParent())).containsExactly("file.bin");
  }

  @Test
  void aFailedRenameLeavesTheTargetAndNoTempFile() throws IOException {
    Path target = dir.resolve("taken");
    Files.createDirectories(target.resolve("child")); // a non-empty directory cannot be replaced by a file
    assertThatThrownBy(() -> AtomicFiles.write(target, new byte[] {9}, false)).isInstanceOf(IOException.class);
    assertThat(entries(dir)).containsExactly("taken");
    assertThat(target.resolve("child")).isDirectory();
  }

  private static java.util.List<String> entries(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
