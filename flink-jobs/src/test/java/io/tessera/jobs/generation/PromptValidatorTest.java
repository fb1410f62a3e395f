package io.tessera.jobs.generation;

import static io.tessera.jobs.condition.ConditionMedia.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.records.Task;
import org.junit.jupiter.api.Test;

/** What each task must promise on tessera.media.in before its request may wait for it. */
class PromptValidatorTest {

    final PromptValidator validator = new PromptValidator(16, 4, 8);

    @Test
    void eachTaskAcceptsTheMediaItNeeds() {
        assertThat(validator.problem(request("a", Task.TEXT_TO_VIDEO, 0, 0, 4))).isNull();
        assertThat(validator.problem(request("b", Task.IMAGE_TO_VIDEO, 1, 0, 4))).isNull();
        assertThat(validator.problem(request("c", Task.VIDEO_CONTINUATION, 3, 1, 4))).isNull();
        assertThat(validator.problem(request("d", Task.VIDEO_CONTINUATION, 8, 0, 4))).isNull();
        // VIDEO_TO_AUDIO generates audio for its frames: sampling.frames is not checked
        assertThat(validator.problem(request("e", Task.VIDEO_TO_AUDIO, 5, 0, 99))).isNull();
    }

    @Test
    void missingExtraOrTooMuchMediaIsRefusedWithTheTaskInTheReason() {
        assertThat(validator.problem(request("a", Task.TEXT_TO_VIDEO, 1, 0, 4))).contains("TEXT_TO_VIDEO takes no");
        assertThat(validator.problem(request("b", Task.IMAGE_TO_VIDEO, 0, 0, 4))).contains("exactly one");
        assertThat(validator.problem(request("b2", Task.IMAGE_TO_VIDEO, 2, 0, 4))).contains("exactly one");
        assertThat(validator.problem(request("c", Task.VIDEO_CONTINUATION, 0, 1, 4))).contains("at least one");
        assertThat(validator.problem(request("d", Task.VIDEO_TO_AUDIO, 0, 0, 4))).contains("VIDEO_TO_AUDIO needs");
        assertThat(validator.problem(request("e", Task.VIDEO_TO_AUDIO, 2, 1, 4))).contains("no audio");
        assertThat(validator.problem(request("f", Task.VIDEO_CONTINUATION, 9, 0, 4))).contains("condition.max-frames 8");
        assertThat(validator.problem(request("g", Task.VIDEO_CONTINUATION, -1, 0, 4))).contains(">= 0");
        assertThat(validator.problem(request("h", Task.IMAGE_TO_VIDEO, 1, 0, 17))).contains("sampling.frames");
    }

    @Test
    void bestOfMustBePositiveAndSamplesTimesBestOfWithinMaxSamples() {
        var ok = request("k", Task.TEXT_TO_VIDEO, 0, 0, 4);
        ok.getSampling().setSamples(2);
        ok.getSampling().setBestOf(2);
        assertThat(validator.problem(ok)).as("2 * 2 = max-samples 4").isNull();

        var tooMany = request("l", Task.TEXT_TO_VIDEO, 0, 0, 4);
        tooMany.getSampling().setSamples(2);
        tooMany.getSampling().setBestOf(3);
        assertThat(validator.problem(tooMany)).isEqualTo(
                "sampling.samples * sampling.bestOf must be <= max-samples 4, got 2 * 3 = 6");

        var alone = request("m", Task.TEXT_TO_VIDEO, 0, 0, 4);
        alone.getSampling().setBestOf(5);
        assertThat(validator.problem(alone)).contains("sampling.bestOf", "max-samples 4", "1 * 5 = 5");

        var zero = request("n", Task.TEXT_TO_VIDEO, 0, 0, 4);
        zero.getSampling().setBestOf(0);
        assertThat(validator.problem(zero)).isEqualTo("sampling.bestOf must be >= 1, got 0");

        var huge = request("o", Task.TEXT_TO_VIDEO, 0, 0, 4);
        huge.getSampling().setSamples(4);
        huge.getSampling().setBestOf(Integer.MAX_VALUE);
        assertThat(validator.problem(huge)).as("no int overflow").contains("= 8589934588");
    }
}
