package io.tessera.jobs.generation;

import static io.tessera.jobs.generation.GenerateOperatorTest.assertWellFormed;
import static io.tessera.jobs.generation.GenerateOperatorTest.completed;
import static io.tessera.jobs.generation.GenerateOperatorTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.Generator;
import io.tessera.generator.engine.EngineConfig;
import io.tessera.generator.model.ModelConfig;
import io.tessera.generator.model.Policy;
import io.tessera.jobs.Mailboxes;
import io.tessera.jobs.TestGenerators;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.records.DeadLetter;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationRequest;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.PolicyUpdate;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cancel and policy hot-swap in the generate operator, with the real engine and a tiny random-init model. */
class GenerateControlTest {

    static final EngineConfig BOUNDS = new EngineConfig(4, 4, 1024);
    static int tokensPerFrame;
    static String modelId;
    static ModelConfig config;
    /** Other weights for the same model config (another random init). */
    static byte[] otherWeights;

    @BeforeAll
    static void model() {
        try (Generator g = TestGenerators.loader().load()) {
            tokensPerFrame = g.layout().generatedTokensPerFrame(Task.TEXT_TO_VIDEO);
            GenerateOperatorTest.tokensPerFrame = tokensPerFrame;
            modelId = g.modelId();
            config = g.policy().config();
        }
        try (Policy other = Policy.randomInit(config, 12345L)) {
            otherWeights = other.toBytes();
        }
    }

    static PolicyUpdate inline(long version, String model, byte[] weights, String sha) {
        return PolicyUpdate.newBuilder().setPolicyName("default").setVersion(version).setModelId(model)
                .setWeights(ByteBuffer.wrap(weights)).setSha256(sha).build();
    }

    static PolicyUpdate good(long version) {
        return inline(version, modelId, otherWeights, Policy.sha256(otherWeights));
    }

    static List<String> deadReasons(GenerateHarness h) {
        var dead = h.getSideOutput(DeadLetters.TAG);
        return dead == null ? List.of() : dead.stream().map(StreamRecord::getValue).map(DeadLetter::getReason).toList();
    }

    @Test
    void cancelMidGenerationEndsEverySampleWithAFinalCancelledChunkAndFreesTheEngine() throws Exception {
        try (var h = new GenerateHarness(BOUNDS)) {
            h.open();
            h.prompt(request("c", 4, 2, 5L));
            int steps = tokensPerFrame + tokensPerFrame / 2;
            assertThat(Mailboxes.run(h, steps)).isEqualTo(steps);
            assertThat(h.generateOperator().admittedSamples()).isEqualTo(2);

            h.cancel("c");

            assertThat(h.generateOperator().admittedSamples()).isZero();
            List<GenerationCompleted> done = completed(h);
            assertThat(done).hasSize(2).allSatisfy(g -> {
                assertThat(g.getFinishReason()).isEqualTo(FinishReason.CANCELLED);
                // cancelled mid-frame: more than a frame, fewer than the four frames asked for
                assertThat(g.getTokens().size()).isGreaterThan(tokensPerFrame).isLessThan(4 * tokensPerFrame);
            });
            List<TokenChunk> chunks = h.extractOutputValues();
            assertWellFormed(chunks, done);
            // the final chunk carries the partial frame
            assertThat(chunks).filteredOn(TokenChunk::getFinal$).hasSize(2).allSatisfy(c -> {
                assertThat(c.getFinishReason()).isEqualTo(FinishReason.CANCELLED);
                assertThat(c.getTokens()).isNotEmpty().hasSizeLessThan(tokensPerFrame);
            });
            h.endPrompts();
            assertThat(h.extractOutputValues()).hasSameSizeAs(chunks);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void aCancelBeforeItsPromptDropsThePromptAndClearsItsMarker() throws Exception {
        try (var h = new GenerateHarness(BOUNDS)) {
            h.open();
            h.setProcessingTime(1_000L);
            h.cancel("early");
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

            h.prompt(request("early", 2, 2, 1L));

            assertThat(h.generateOperator().admittedSamples()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
            assertThat(completed(h)).hasSize(2).allSatisfy(g -> {
                assertThat(g.getFinishReason()).isEqualTo(FinishReason.CANCELLED);
                assertThat(g.getTokens()).isEmpty();
            });
            assertThat(h.extractOutputValues()).hasSize(2).allSatisfy(c -> {
                assertThat(c.getSeq()).isZero();
                assertThat(c.getFinal$()).isTrue();
                assertThat(c.getFinishReason()).isEqualTo(FinishReason.CANCELLED);
            });
            h.endPrompts();
            assertThat(completed(h)).hasSize(2);
        }
    }

    @Test
    void aCancelForAnUnknownRequestLeavesOnlyAMarkerThatExpires() throws Exception {
        try (var h = new GenerateHarness(BOUNDS)) {
            h.open();
            h.setProcessingTime(1_000L);
            h.prompt(request("live", 2, 1, 1L));
            h.cancel("ghost");
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            h.setProcessingTime(1_000L + GenerateOperator.CANCEL_MARKER_TTL_MS);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
            h.endPrompts();
            assertThat(completed(h)).singleElement()
                    .satisfies(g -> assertThat(g.getFinishReason()).isNotEqualTo(FinishReason.CANCELLED));
        }
    }

    @Test
    void aPolicyUpdateMidGenerationChangesTheVersionOfLaterChunksOnly() throws Exception {
        try (var h = new GenerateHarness(BOUNDS)) {
            h.open();
            h.prompt(request("p", 4, 1, 9L));
            int steps = tokensPerFrame + 2;
            assertThat(Mailboxes.run(h, steps)).isEqualTo(steps);
            List<TokenChunk> before = h.extractOutputValues();
            assertThat(before).as("the first token's chunk and the first frame's").hasSize(2)
                    .allSatisfy(c -> assertThat(c.getPolicyVersion()).isZero());

            h.policy(good(5));
            // The weights load off the task thread; the swap itself is a mail, run between decode steps.
            assertThat(h.generateOperator().policyVersion()).isZero();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (!h.generateOperator().policyUpdatesLoaded() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(h.generateOperator().policyUpdatesLoaded()).as("loaded within 60 s").isTrue();
            for (int i = 0; i < 3 && h.generateOperator().policyVersion() != 5L; i++) {
                Mailboxes.run(h, 1); // at most a decode step queued ahead of the swap mail
            }
            assertThat(h.generateOperator().policyVersion()).isEqualTo(5L);
            assertThat(h.extractOutputValues()).hasSameSizeAs(before); // no frame completed while it loaded
            h.endPrompts();

            List<TokenChunk> all = h.extractOutputValues();
            List<TokenChunk> after = all.subList(before.size(), all.size());
            assertThat(after).hasSize(3).allSatisfy(c -> assertThat(c.getPolicyVersion()).isEqualTo(5L));
            assertThat(completed(h)).singleElement().satisfies(g -> {
                assertThat(g.getFirstPolicyVersion()).isZero();
                assertThat(g.getPolicyVersion()).isEqualTo(5L);
                assertThat(g.getTokens()).hasSize(4 * tokensPerFrame);
            });
            assertWellFormed(all, completed(h));
            assertThat(deadReasons(h)).isEmpty();
            System.out.printf("swap pause max %.2f ms (installing + the first step under the new weights; loading and "
                            + "verifying them took %.2f ms off the task thread); normal step mean %.2f ms, max %.2f ms "
                            + "(includes prefill)%n",
                    h.generateOperator().swapPauseMaxMs(), h.generateOperator().lastSwapLoadMs(),
                    h.generateOperator().normalStepMeanMs(),
                    h.generateOperator().normalStepMaxMs());
            assertThat(h.generateOperator().swapPauseMaxMs()).isPositive();
        }
    }

    @Test
    void badUpdatesGoToTheDeadLetterQueueAndStaleOnesAreIgnored() throws Exception {
        try (var h = new GenerateHarness(BOUNDS)) {
            h.open();
            h.policyApplied(inline(3, modelId, otherWeights, "00" + Policy.sha256(otherWeights).substring(2)));
            h.policyApplied(inline(3, "some-other-model", otherWeights, Policy.sha256(otherWeights)));
            assertThat(h.generateOperator().policyVersion()).isZero();
            assertThat(deadReasons(h)).hasSize(2);
            assertThat(deadReasons(h).get(0)).contains("sha256");
            assertThat(deadReasons(h).get(1)).contains("modelId").contains("some-other-model");

            h.policyApplied(good(4));
            h.policyApplied(good(2));
            assertThat(h.generateOperator().policyVersion()).isEqualTo(4L);
            assertThat(deadReasons(h)).hasSize(2);
        }
    }

    /**
     * A checkpoint taken while a swap still moves samples (one sample per step here) keeps which samples ran
     * the old weights and the old weights themselves; the restored operator moves them over at the same steps
     * and emits exactly the chunks and records the uninterrupted one did after the checkpoint.
     */
    @Test
    void aCheckpointDuringASwapResumesWithTheSameChunksTokensAndVersions() throws Exception {
        GenerationRequest r = request("mid-swap", 3, 3, 21L);
        AfterSnapshot uninterrupted;
        try (var h = new GenerateHarness(ONE_PER_STEP)) {
            startSwapToV5(h, r);
            assertThat(h.generateOperator().swapInProgress()).as("samples still on the old weights").isTrue();
            uninterrupted = AfterSnapshot.of(h);
        }
        uninterrupted.assertThreeSamplesEndedOn(5L);
        try (var h = new GenerateHarness(ONE_PER_STEP)) {
            h.initializeState(uninterrupted.snapshot());
            h.open();
            assertThat(h.generateOperator().swapInProgress()).as("the draining lane is rebuilt").isTrue();
            uninterrupted.assertRestoredEmitsTheSame(h);
            assertThat(h.generateOperator().swapInProgress()).isFalse();
        }
    }

    /** Moves at most one sample to a new policy per step, so a swap stays in progress for several steps. */
    private static final EngineConfig ONE_PER_STEP = new EngineConfig(4, 4, 1024, 1);

    /** Opens the operator, starts {@code r}, and swaps to v5 after 4 steps; one step later the swap is draining. */
    private static void startSwapToV5(GenerateHarness h, GenerationRequest r) throws Exception {
        h.open();
        h.prompt(r);
        Mailboxes.run(h, 4);
        h.policyApplied(good(5));
        Mailboxes.run(h, 1);
    }

    /** A snapshot, then what the operator emitted after it when its prompts ended. */
    private record AfterSnapshot(OperatorSubtaskState snapshot, List<TokenChunk> chunks,
            List<GenerationCompleted> records) {

        static AfterSnapshot of(GenerateHarness h) throws Exception {
            OperatorSubtaskState snapshot = h.snapshot(1L, 1L);
            int before = h.extractOutputValues().size();
            h.endPrompts();
            List<TokenChunk> all = h.extractOutputValues();
            return new AfterSnapshot(snapshot, List.copyOf(all.subList(before, all.size())),
                    GenerateOperatorTest.completed(h));
        }

        void assertThreeSamplesEndedOn(long version) {
            assertThat(chunks).isNotEmpty();
            assertThat(records).hasSize(3).allSatisfy(g -> {
                assertThat(g.getFirstPolicyVersion()).isZero();
                assertThat(g.getPolicyVersion()).isEqualTo(version);
            });
        }

        /** Ends the restored operator's prompts: it must emit exactly these chunks and records. */
        void assertRestoredEmitsTheSame(GenerateHarness restored) throws Exception {
            restored.endPrompts();
            assertThat(restored.extractOutputValues())
                    .usingRecursiveFieldByFieldElementComparatorIgnoringFields("emittedAtMs")
                    .containsExactlyInAnyOrderElementsOf(chunks);
            assertThat(GenerateOperatorTest.completed(restored))
                    .usingRecursiveFieldByFieldElementComparatorOnFields("requestId", "sampleIndex", "tokens",
                            "logprobs", "policyVersion", "firstPolicyVersion", "finishReason")
                    .containsExactlyInAnyOrderElementsOf(records);
        }
    }

    /**
     * A third policy waiting behind a draining swap at a barrier, one subtask: the barrier moves no sample (it used to
     * complete both swaps at once, re-prefilling every in-flight sample), the waiting policy is checkpointed as
     * a pending update, and the restored operator, once it has loaded it, emits exactly what this one did.
     */
    @Test
    void aBarrierLeavesAThirdPolicyWaitingAndTheRestoredOperatorGoesOnAsBefore() throws Exception {
        GenerationRequest r = request("third", 3, 3, 23L);
        AfterSnapshot uninterrupted;
        try (var h = new GenerateHarness(ONE_PER_STEP)) {
            startSwapToV5(h, r);
            h.policyApplied(good(6));
            assertThat(h.generateOperator().policyWaiting()).as("v6 waits behind the v0 -> v5 swap").isTrue();
            h.prepareSnapshotPreBarrier(1L);
            assertThat(h.generateOperator().policyWaiting()).as("the barrier forced no swap").isTrue();
            uninterrupted = AfterSnapshot.of(h);
        }
        uninterrupted.assertThreeSamplesEndedOn(6L);
        try (var h = new GenerateHarness(ONE_PER_STEP)) {
            h.initializeState(uninterrupted.snapshot());
            h.open();
            assertThat(h.generateOperator().policyVersion()).as("v5 runs, v6 loads again").isEqualTo(5L);
            h.generateOperator().awaitPendingPolicyUpdates();
            assertThat(h.generateOperator().policyWaiting()).as("v6 waits again").isTrue();
            uninterrupted.assertRestoredEmitsTheSame(h);
            assertThat(deadReasons(h)).isEmpty();
        }
    }

    /** With several subtasks the policy state is written once for all, so a barrier still completes both swaps. */
    @Test
    void withSeveralSubtasksABarrierCompletesBothSwaps() throws Exception {
        String id = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "third-of-two-" + i)
                .filter(k -> KeyGroupRangeAssignment.assignKeyToParallelOperator(k, 128, 2) == 0)
                .findFirst().orElseThrow(); // a request this subtask owns
        try (var h = new GenerateHarness(ONE_PER_STEP, 2, 0)) {
            startSwapToV5(h, request(id, 3, 3, 23L));
            h.policyApplied(good(6));
            assertThat(h.generateOperator().policyWaiting()).isTrue();
            h.prepareSnapshotPreBarrier(1L);
            assertThat(h.generateOperator().swapInProgress()).as("every sample runs v6").isFalse();
            assertThat(h.generateOperator().policyVersion()).isEqualTo(6L);
        }
    }

    /**
     * A checkpoint barrier does not wait for an update still loading (here a {@code file:} URI to a named pipe
     * nobody writes yet, so the load cannot finish): the snapshot is taken at once with the update as pending,
     * and the operator restored from it loads the update again and applies it.
     */
    @Test
    void aCheckpointDoesNotWaitForALoadAndTheRestoredOperatorLoadsThePendingUpdate() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "tmp", "pending-" + System.nanoTime()));
        Path pipe = dir.resolve("policy-v9.bin");
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
        PolicyUpdate v9 = PolicyUpdate.newBuilder().setPolicyName("default").setVersion(9).setModelId(modelId)
                .setUri(pipe.toUri().toString()).setSha256(Policy.sha256(otherWeights)).build();
        // If the snapshot waited for the load, this writer would end the wait after 20 s (and the test fail).
        Thread unblock = new Thread(() -> {
            try {
                Thread.sleep(20_000);
                Files.write(pipe, otherWeights);
            } catch (Exception e) {
                // interrupted: the test wrote the pipe itself
            }
        });
        OperatorSubtaskState snapshot;
        try (var h = new GenerateHarness(BOUNDS)) {
            h.open();
            h.prompt(request("pending", 4, 1, 5L));
            Mailboxes.run(h, 3);
            h.policy(v9);
            unblock.start();
            long t0 = System.nanoTime();
            h.prepareSnapshotPreBarrier(1L); // what the task runs before it forwards the barrier
            snapshot = h.snapshot(1L, 1L);
            long snapshotMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(snapshotMs).as("the barrier did not wait for the load").isLessThan(10_000);
            assertThat(h.generateOperator().policyVersion()).isZero();
            unblock.interrupt();
            Files.write(pipe, otherWeights); // let the loader finish so the harness closes
            h.generateOperator().awaitPendingPolicyUpdates();
        }
        Files.delete(pipe);
        Files.write(pipe, otherWeights); // the restored operator reads the weights from the same URI
        try (var h = new GenerateHarness(BOUNDS)) {
            h.initializeState(snapshot);
            h.open();
            assertThat(h.generateOperator().policyVersion()).as("the update was pending, not applied").isZero();
            h.generateOperator().awaitPendingPolicyUpdates();
            assertThat(h.generateOperator().policyVersion()).isEqualTo(9L);
            h.endPrompts();
            assertThat(completed(h)).singleElement().satisfies(g -> {
                assertThat(g.getFirstPolicyVersion()).isZero();
                assertThat(g.getPolicyVersion()).isEqualTo(9L);
            });
            assertThat(deadReasons(h)).isEmpty();
        }
    }

    @Test
    void aRestoredOperatorRunsTheVersionItRanBeforeEvenWhenTheFileIsGone() throws Exception {
        Path file = Files.createTempFile("policy", ".bin");
        Files.write(file, otherWeights);
        PolicyUpdate byUri = PolicyUpdate.newBuilder().setPolicyName("default").setVersion(7).setModelId(modelId)
                .setUri(file.toUri().toString()).setSha256(Policy.sha256(otherWeights)).build();
        OperatorSubtaskState snapshot;
        try (var h = new GenerateHarness(BOUNDS)) {
            h.open();
            h.policyApplied(byUri);
            assertThat(h.generateOperator().policyVersion()).isEqualTo(7L);
            h.prompt(request("r", 3, 1, 4L));
            assertThat(Mailboxes.run(h, tokensPerFrame + 1)).isEqualTo(tokensPerFrame + 1);
            snapshot = h.snapshot(1L, 1L);
        }
        Files.delete(file); // the restored job must not depend on re-reading it
        try (var h = new GenerateHarness(BOUNDS)) {
            h.initializeState(snapshot);
            h.open();
            assertThat(h.generateOperator().policyVersion()).isEqualTo(7L);
            h.endPrompts();
            assertThat(h.extractOutputValues()).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.getPolicyVersion()).isEqualTo(7L));
            assertThat(completed(h)).singleElement()
                    .satisfies(g -> assertThat(g.getPolicyVersion()).isEqualTo(7L));
        }
    }
}
