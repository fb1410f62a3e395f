package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CheckpointsTest {

  @Test
  void latestIsTheHighestCompleteCheckpoint() throws Exception {
    Path job = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "chk");
    assertThat(Checkpoints.latest(job)).isEmpty();
    for (int n : new int[] {2, 9, 10}) {
      Files.createDirectories(job.resolve("chk-" + n));
      Files.writeString(job.resolve("chk-" + n).resolve("_metadata"), "m");
    }
    Files.createDirectories(job.resolve("chk-11")); // in progress: no _metadata yet
    Files.createDirectories(job.resolve("shared"));
    assertThat(Checkpoints.latest(job)).contains(job.resolve("chk-10"));

    Checkpoints.delete(job);
    assertThat(job).doesNotExist();
    assertThat(Checkpoints.latest(job)).isEmpty();
    Checkpoints.delete(job); // already gone: fine
  }
}
