package io.tessera.jobs.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.engine.EngineConfig;
import io.tessera.jobs.generation.GenerateHarness;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.records.GenerationRequest;
import io.tessera.records.PolicyUpdate;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A PolicyUpdate the trainer publishes (by file URI) is verified and swapped in by the generate operator. */
class UpdateReachesGeneratorTest {

    @Test
    void theGeneratorRunsThePublishedVersion() throws Exception {
        Path dir = Path.of("target", "tmp", "policy-to-generator-" + System.nanoTime());
        PolicyUpdate update;
        try (var trainer = PolicyTrainerFunctionTest.harness(PolicyTrainerFunctionTest.config(0, dir))) {
            trainer.processElement(PolicyTrainerFunctionTest.group("a", 0), 0);
            update = trainer.extractOutputValues().get(0);
        }
        assertThat(update.getUri()).startsWith("file:");
        try (var generator = new GenerateHarness(new EngineConfig(4, 4, 1024))) {
            generator.open();
            generator.policyApplied(update);
            assertThat(generator.getSideOutput(DeadLetters.TAG)).isNullOrEmpty();
            generator.prompt(GenerationRequest.newBuilder().setRequestId("after-swap").setTask(Task.TEXT_TO_VIDEO)
                    .setPrompt("a red circle moving up")
                    .setSampling(SamplingParams.newBuilder().setFrames(1).setSamples(1).setSeed(3L).build()).build());
            generator.endPrompts();
            assertThat(generator.extractOutputValues()).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.getPolicyVersion()).isEqualTo(update.getVersion()).isEqualTo(1L));
        }
    }
}
