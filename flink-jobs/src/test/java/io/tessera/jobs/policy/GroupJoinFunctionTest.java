package io.tessera.jobs.policy;

import static io.tessera.jobs.policy.PolicyRecords.generation;
import static io.tessera.jobs.policy.PolicyRecords.in;
import static io.tessera.jobs.policy.PolicyRecords.preference;
import static io.tessera.jobs.policy.PolicyRecords.reward;
import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.records.Feedback;
import io.tessera.records.FeedbackKind;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.Reward;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

class GroupJoinFunctionTest {
    static final long TIMEOUT = 10_000;

    static PolicyConfig config(Duration retention) {
        Configuration c = new Configuration();
        c.set(PolicyOptions.GROUP_TIMEOUT, Duration.ofMillis(TIMEOUT));
        c.set(PolicyOptions.FEEDBACK_RETENTION, retention);
        return PolicyConfig.from(c);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, Either<GenerationCompleted, Either<Reward, Feedback>>,
            TrainingItem> harness(Duration retention) throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new GroupJoinFunction(config(retention)),
                PolicyJob::requestId, Types.STRING);
        h.setProcessingTime(1_000L);
        return h;
    }

    @Test
    void aCompleteGroupGoesOutOnceWithItsRewardsAndItsStateIsCleared() throws Exception {
        try (var h = harness(Duration.ZERO)) {
            h.processElement(in(reward("r1", 1, 0.25, 0)), 0); // a reward may come before its generation
            h.processElement(in(generation("r1", 0, 3, 10, 4, 0)), 0);
            h.processElement(in(generation("r1", 1, 3, 20, 4, 0)), 0);
            h.processElement(in(reward("r1", 0, 0.75, 0)), 0);
            h.processElement(in(generation("r1", 2, 3, 30, 5, 0)), 0);
            h.processElement(in(generation("other", 0, 2, 10, 4, 0)), 0);
            assertThat(h.extractOutputValues()).isEmpty(); // sample 2 of r1 has no reward yet
            h.processElement(in(reward("r1", 2, 0.5, 0)), 0);

            List<TrainingItem> out = h.extractOutputValues();
            assertThat(out).singleElement().satisfies(item -> {
                assertThat(item.kind).isEqualTo(TrainingItem.GROUP);
                assertThat(item.requestId).isEqualTo("r1");
                assertThat(item.samples).extracting(s -> s.sampleIndex).containsExactly(0, 1, 2);
                assertThat(item.samples).extracting(s -> s.reward).containsExactly(0.75, 0.25, 0.5);
                assertThat(item.samples[2].tokens).containsExactly(30, 31, 32, 30, 31);
                assertThat(item.samples[0].prefix).containsExactly(5, 6, 7);
            });
            // r1 is gone; only the incomplete "other" group holds state
            h.processElement(in(reward("r1", 2, 0.9, 0)), 0); // a late repeat starts no new group output
            assertThat(h.extractOutputValues()).hasSize(1);
        }
    }

    /** Best-of-N winners are the verifier's picks, not policy draws: no GRPO group, but preferences still pair. */
    @Test
    void aBestOfGroupIsNotTrainedOnWithGrpoButItsPreferencesPair() throws Exception {
        try (var h = harness(Duration.ofSeconds(60))) {
            for (int i = 0; i < 2; i++) {
                h.processElement(in(GenerationCompleted.newBuilder(generation("b", i, 2, 10 * i, 4, 0)).setBestOf(4)
                        .build()), 0);
                h.processElement(in(reward("b", i, 0.5 * i, 0)), 0);
            }
            assertThat(h.extractOutputValues()).as("no GRPO group from best-of samples").isEmpty();
            h.processElement(in(preference("b", 1, 0)), 0);
            assertThat(h.extractOutputValues()).singleElement()
                    .satisfies(item -> assertThat(item.kind).isEqualTo(TrainingItem.PREFERENCE));
            h.processElement(in(generation("plain", 0, 1, 10, 4, 0)), 0);
            h.processElement(in(reward("plain", 0, 0.3, 0)), 0);
            assertThat(h.extractOutputValues()).extracting(item -> item.kind)
                    .containsExactly(TrainingItem.PREFERENCE, TrainingItem.GROUP);
        }
    }

    @Test
    void completedRequestLeavesNoStateWithoutRetention() throws Exception {
        try (var h = harness(Duration.ZERO)) {
            h.processElement(in(generation("r", 0, 2, 10, 4, 0)), 0);
            h.processElement(in(generation("r", 1, 2, 20, 4, 0)), 0);
            h.processElement(in(reward("r", 0, 1, 0)), 0);
            assertThat(h.numKeyedStateEntries()).isPositive();
            h.processElement(in(reward("r", 1, 0, 0)), 0);
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void anIncompleteGroupTimesOutAndIsCleared() throws Exception {
        try (var h = harness(Duration.ZERO)) {
            h.processElement(in(generation("r", 0, 2, 10, 4, 0)), 0);
            h.processElement(in(reward("r", 0, 1, 0)), 0);
            h.setProcessingTime(1_000L + TIMEOUT - 1);
            assertThat(h.numKeyedStateEntries()).isPositive();
            h.setProcessingTime(1_000L + TIMEOUT);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void preferencesPairTheTwoGenerationsEvenAfterTheGroupWasTrainedUntilRetentionEnds() throws Exception {
        try (var h = harness(Duration.ofMillis(5_000))) {
            h.processElement(in(preference("r", 1, 0)), 0); // before its generations: waits
            h.processElement(in(generation("r", 0, 2, 10, 4, 0)), 0);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement(in(generation("r", 1, 2, 20, 6, 0)), 0);
            h.processElement(in(reward("r", 0, 1, 0)), 0);
            h.processElement(in(reward("r", 1, 0, 0)), 0);
            h.processElement(in(preference("r", 0, 1)), 0); // after the group was emitted: generations retained
            Feedback thumbs = Feedback.newBuilder().setRequestId("r").setKind(FeedbackKind.THUMBS_UP).build();
            h.processElement(in(thumbs), 0);

            List<TrainingItem> out = h.extractOutputValues();
            assertThat(out).extracting(i -> i.kind)
                    .containsExactly(TrainingItem.PREFERENCE, TrainingItem.GROUP, TrainingItem.PREFERENCE);
            assertThat(out.get(0).samples).extracting(s -> s.sampleIndex).containsExactly(1, 0);
            assertThat(out.get(0).samples[0].tokens).hasSize(6);
            assertThat(out.get(2).samples).extracting(s -> s.sampleIndex).containsExactly(0, 1);

            h.setProcessingTime(1_000L + 5_000L);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void aPreferenceWhoseGenerationsNeverComeIsDroppedAtTheTimeout() throws Exception {
        try (var h = harness(Duration.ZERO)) {
            h.processElement(in(preference("r", 0, 1)), 0);
            h.processElement(in(generation("r", 0, 2, 10, 4, 0)), 0);
            h.setProcessingTime(1_000L + TIMEOUT);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
