package io.tessera.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.records.Task;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class EvaluateOptionsTest {

    @Test
    void defaultsScoreEveryTaskOnTheFirstClips() {
        Evaluate.Options o = Evaluate.Options.parse(new String[0]);
        assertThat(o.clipsPerSplit()).isEqualTo(Evaluate.DEFAULT_CLIPS);
        assertThat(o.offset()).isZero();
        assertThat(o.tasks()).isEqualTo(EnumSet.allOf(Task.class));
    }

    @Test
    void offsetAndTasksSelectOtherClipsAndFewerTasks() {
        Evaluate.Options o = Evaluate.Options.parse(
                new String[] {"--clips", "80", "--offset", "40", "--tasks", "text-to-video, IMAGE_TO_VIDEO"});
        assertThat(o.clipsPerSplit()).isEqualTo(80);
        assertThat(o.offset()).isEqualTo(40);
        assertThat(o.tasks()).containsExactly(Task.TEXT_TO_VIDEO, Task.IMAGE_TO_VIDEO);
    }

    @Test
    void badTasksAndOffsetsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Evaluate.Options.parse(new String[] {"--tasks", "text-to-audio"}))
                .hasMessageContaining("unknown task 'text-to-audio'").hasMessageContaining("video-to-audio");
        assertThatThrownBy(() -> Evaluate.Options.parse(new String[] {"--tasks", "image-to-video"}))
                .hasMessageContaining("must include text-to-video");
        assertThatThrownBy(() -> Evaluate.Options.parse(new String[] {"--offset", "-1"}))
                .hasMessageContaining("--offset");
    }
}
