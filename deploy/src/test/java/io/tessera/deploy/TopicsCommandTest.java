package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsCommandTest {

  @Test
  void printsOneAlignedRowPerTopic() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TopicsCommand.print(List.of(new TopicsCommand.Row("tessera.prompts", 2, 7, List.of(3L, 4L)),
        new TopicsCommand.Row("tessera.policy", 1, 0, List.of(0L))), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("TOPIC").contains("PARTITIONS", "END OFFSETS", "PER PARTITION");
    assertThat(lines.get(1)).startsWith("tessera.prompts").endsWith("0:3 1:4").contains(" 7 ");
    assertThat(lines.get(2)).startsWith("tessera.policy ").endsWith("0:0");
  }

  @Test
  void longPartitionListsAreCut() {
    String s = TopicsCommand.perPartition(Collections.nCopies(20, 5L));
    assertThat(s).startsWith("0:5 1:5").endsWith("... (4 more)");
  }

  @Test
  void noTopicsSaysWhatToDo() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TopicsCommand.print(List.of(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("tessera up");
  }
}
