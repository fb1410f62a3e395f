package io.tessera.jobs.reward;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.world.Clip;
import io.tessera.jobs.JobConfig;
import io.tessera.jobs.LocalCluster;
import io.tessera.jobs.TestGenerators;
import io.tessera.jobs.io.RawRecord;
import io.tessera.records.DeadLetter;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.Reward;
import io.tessera.reward.RewardConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RewardJob's pipeline on a mini cluster (parallelism 2) from in-memory records: scored, dead-lettered, never lost. */
class RewardPipelineTest {

    static Configuration clusterConfig() {
        Configuration conf = LocalCluster.configuration(Path.of("target", "tmp"), 1);
        conf.setString("pipeline.generic-types", "false"); // any Kryo fallback fails the job graph
        return conf;
    }

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(clusterConfig())
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void goodGenerationsAreScoredAndBadOnesReachTheDlqWithTheirReason() throws Exception {
        Clip clip = Generations.clip(31, 12);
        List<Integer> tokens = Generations.tokens(clip);
        String wrongPrompt = clip.prompt().replaceFirst("moving (left|right)", "moving up")
                .replaceFirst("moving (up|down)$", "moving left");
        List<Integer> broken = new ArrayList<>(tokens);
        broken.set(0, 65); // a text byte where the layout has a video token
        GenerationCompleted failed = Generations.generation("failed", 0, clip.prompt(), tokens, 3);
        failed.setFinishReason(FinishReason.ERROR);
        GenerationCompleted otherModel = Generations.generation("other-model", 0, clip.prompt(), tokens, 3);
        otherModel.setModelId("tessera-0000000000000000-ffffffff");

        List<RawRecord> input = List.of(
                Generations.raw(Generations.generation("good", 0, clip.prompt(), tokens, 7)),
                Generations.raw(Generations.generation("good", 1, wrongPrompt, tokens, 8)),
                Generations.raw(Generations.generation("broken", 0, clip.prompt(), broken, 7)),
                Generations.raw(failed),
                Generations.raw(otherModel),
                RawRecord.of("tessera.generations", "junk".getBytes(StandardCharsets.UTF_8),
                        "garbage".getBytes(StandardCharsets.UTF_8)));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        JobConfig cfg = JobConfig.defaults("127.0.0.1:9");
        RewardJob.Outputs out = RewardJob.pipeline(env.fromData(input, TypeInformation.of(RawRecord.class)), cfg,
                TestGenerators.loader(), RewardConfig.DEFAULT);
        CloseableIterator<Reward> rewards = out.rewards().collectAsync();
        CloseableIterator<DeadLetter> dead = out.deadLetters().collectAsync();
        JobClient job = env.executeAsync("reward-pipeline-test");
        List<Reward> scored = drain(rewards);
        List<DeadLetter> letters = drain(dead);
        job.getJobExecutionResult().get();

        Map<String, Reward> bySample = scored.stream()
                .collect(Collectors.toMap(r -> r.getRequestId() + "#" + r.getSampleIndex(), Function.identity()));
        assertThat(bySample).containsOnlyKeys("good#0", "good#1");
        Reward right = bySample.get("good#0");
        assertThat(right.getPolicyVersion()).isEqualTo(7L);
        assertThat(right.getTotal()).isEqualTo(1.0);
        assertThat(right.getComponents()).containsEntry("adherence", 1.0).containsEntry("temporal", 1.0)
                .containsEntry("av_sync", 1.0);
        assertThat(right.getScorerVersion()).startsWith("reward-1[adherence-1");
        Reward wrong = bySample.get("good#1");
        assertThat(wrong.getPolicyVersion()).isEqualTo(8L);
        assertThat(wrong.getComponents().get("adherence.motion")).isLessThan(1.0);
        assertThat(wrong.getTotal()).isLessThan(right.getTotal());
        assertThat(wrong.getComponents().values()).allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));

        Map<String, DeadLetter> byRequest = letters.stream()
                .collect(Collectors.toMap(DeadLetter::getRequestId, Function.identity()));
        assertThat(byRequest).containsOnlyKeys("broken", "failed", "other-model", "junk");
        assertThat(byRequest.get("broken").getStage()).isEqualTo(RewardJob.SCORE_STAGE);
        assertThat(byRequest.get("broken").getReason()).contains("token 0 is 65").contains("a video token");
        assertThat(byRequest.get("broken").getSourceTopic()).isEqualTo("tessera.generations");
        assertThat(byRequest.get("failed").getStage()).isEqualTo(RewardJob.DECODE_STAGE);
        assertThat(byRequest.get("failed").getReason()).contains("finishReason ERROR");
        assertThat(byRequest.get("other-model").getReason()).contains("tokenizers are not this job's");
        assertThat(byRequest.get("junk").getReason()).startsWith("cannot decode GenerationCompleted");
        assertThat(byRequest.get("junk").getValue().array()).isEqualTo("garbage".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rewardKeysAreSplitFromTheJobsOwn() {
        assertThat(RewardJob.withoutRewardKeys(new String[] {"--bootstrap", "b:1", "--weight.temporal", "0",
            "--parallelism", "2"})).containsExactly("--bootstrap", "b:1", "--parallelism", "2");
    }

    static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
        List<T> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
