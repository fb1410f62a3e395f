package io.tessera.jobs.reward;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.jobs.TestBroker;
import io.tessera.generator.world.Clip;
import io.tessera.jobs.JobConfig;
import io.tessera.jobs.LocalCluster;
import io.tessera.records.DeadLetter;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.Reward;
import io.tessera.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RewardJob from its {@code addToEnvironment} entry point on a local cluster against a real broker:
 * generations published to {@code tessera.generations} come back as rewards on {@code tessera.rewards},
 * garbage and undecodable generations as dead letters on {@code tessera.dlq}.
 */
class RewardJobIT {
    static final Duration PATIENCE = Duration.ofMinutes(4);
    @RegisterExtension
    static final TestBroker BROKER = new TestBroker("reward-it");

    @Test
    void generationsBecomeRewardsAndBadRecordsDeadLetters() throws Exception {
        String run = "reward-it-" + UUID.randomUUID();
        Clip clip = Generations.clip(41, 10);
        List<Integer> tokens = Generations.tokens(clip);
        List<Integer> broken = new ArrayList<>(tokens);
        broken.set(16, tokens.get(0)); // a video token where the frame's audio token belongs

        Configuration conf = LocalCluster.configuration(BROKER.work(), 2);
        conf.setString("pipeline.generic-types", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        JobConfig cfg = JobConfig.fromArgs(new String[] {"--bootstrap", BROKER.bootstrap(),
            "--checkpoint-interval", "1 s", "--group-prefix", run});
        RewardJob.addToEnvironment(env, cfg);
        JobClient job = env.executeAsync("tessera-reward-it");
        try {
            publish(List.of(
                    Generations.generation(run + "-a", 0, clip.prompt(), tokens, 4),
                    Generations.generation(run + "-a", 1, clip.prompt(), tokens.subList(0, 5 * 17), 4),
                    Generations.generation(run + "-b", 0, clip.prompt(), broken, 5)), run);
            List<Reward> rewards = new ArrayList<>();
            List<DeadLetter> letters = new ArrayList<>();
            consume(run, rewards, letters);

            assertThat(rewards).extracting(r -> r.getRequestId() + "#" + r.getSampleIndex())
                    .containsExactlyInAnyOrder(run + "-a#0", run + "-a#1");
            for (Reward r : rewards) {
                assertThat(r.getPolicyVersion()).isEqualTo(4L);
                assertThat(r.getComponents()).containsEntry("adherence", 1.0);
                assertThat(r.getTotal()).isBetween(0.9, 1.0);
                assertThat(r.getScorerVersion()).startsWith("reward-1[");
            }
            assertThat(letters).extracting(DeadLetter::getRequestId)
                    .containsExactlyInAnyOrder(run + "-b", "garbage-" + run);
            DeadLetter bad = letters.stream().filter(d -> d.getRequestId().equals(run + "-b")).findFirst().orElseThrow();
            assertThat(bad.getStage()).isEqualTo(RewardJob.SCORE_STAGE);
            assertThat(bad.getReason()).contains("token 16").contains("an audio token");
            DeadLetter garbage = letters.stream().filter(d -> d.getRequestId().startsWith("garbage")).findFirst()
                    .orElseThrow();
            assertThat(garbage.getStage()).isEqualTo(RewardJob.DECODE_STAGE);
            assertThat(garbage.getSourceTopic()).isEqualTo(Topics.GENERATIONS.name());
        } finally {
            job.cancel().get();
            try {
                job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
            } catch (ExecutionException cancelled) {
                // expected: the job ends CANCELED; waiting lets it stop before the broker does
            }
        }
    }

    static void publish(List<GenerationCompleted> generations, String run) {
        try (KafkaProducer<byte[], byte[]> producer = BROKER.producer()) {
            producer.send(new ProducerRecord<>(Topics.GENERATIONS.name(),
                    ("garbage-" + run).getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 0x01, 9, 9}));
            for (GenerationCompleted g : generations) {
                producer.send(new ProducerRecord<>(Topics.GENERATIONS.name(),
                        g.getRequestId().getBytes(StandardCharsets.UTF_8), Topics.GENERATIONS.codec().encode(g)));
            }
            producer.flush();
        }
    }

    static void consume(String run, List<Reward> rewards, List<DeadLetter> letters) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer("read_uncommitted",
                List.of(Topics.REWARDS.name(), Topics.DLQ.name()))) {
            while (rewards.size() < 2 || letters.size() < 2) {
                assertThat(System.nanoTime()).as("2 rewards and 2 dead letters within %s; saw %s and %s", PATIENCE,
                        rewards, letters).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(Topics.REWARDS.name())) {
                        Reward reward = Topics.REWARDS.codec().decode(r.value());
                        if (reward.getRequestId().startsWith(run)) {
                            rewards.add(reward);
                        }
                    } else {
                        DeadLetter d = Topics.DLQ.codec().decode(r.value());
                        if (d.getRequestId() != null && d.getRequestId().contains(run)) {
                            letters.add(d);
                        }
                    }
                }
            }
        }
    }
}
