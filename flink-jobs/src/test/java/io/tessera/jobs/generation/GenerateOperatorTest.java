package io.tessera.jobs.generation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.Generator;
import io.tessera.generator.engine.EngineConfig;
import io.tessera.jobs.Mailboxes;
import io.tessera.jobs.TestGenerators;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generate operator in Flink's operator test harness, driving the real engine and model. */
class GenerateOperatorTest {

    static final int FRAMES = 3;
    static int tokensPerFrame;

    @BeforeAll
    static void layout() {
        try (Generator g = TestGenerators.loader().load()) {
            tokensPerFrame = g.layout().generatedTokensPerFrame(Task.TEXT_TO_VIDEO);
        }
    }

    static GenerationRequest request(String id, int frames, int samples, long seed) {
        return GenerationRequest.newBuilder()
                .setRequestId(id).setTask(Task.TEXT_TO_VIDEO).setPrompt("a red circle moving left")
                .setSampling(SamplingParams.newBuilder().setFrames(frames).setSamples(samples).setSeed(seed).build())
                .build();
    }

    static GenerateHarness harness(EngineConfig bounds) throws Exception {
        return new GenerateHarness(bounds);
    }

    static List<GenerationCompleted> completed(AbstractStreamOperatorTestHarness<?> h) {
        var records = h.getSideOutput(GenerateOperator.COMPLETED);
        return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
    }

    /**
     * Every sample's chunks are dense from 0: the first token alone, then one per frame (the last final); they
     * add up to its tokens.
     */
    static void assertWellFormed(List<TokenChunk> chunks, List<GenerationCompleted> done) {
        Map<Integer, List<TokenChunk>> bySample = chunks.stream()
                .collect(Collectors.groupingBy(TokenChunk::getSampleIndex));
        assertThat(bySample.keySet()).containsExactlyInAnyOrderElementsOf(
                done.stream().map(GenerationCompleted::getSampleIndex).toList());
        for (GenerationCompleted g : done) {
            List<TokenChunk> own = bySample.get(g.getSampleIndex());
            List<Integer> tokens = new ArrayList<>();
            for (int i = 0; i < own.size(); i++) {
                TokenChunk c = own.get(i);
                assertThat(c.getSeq()).isEqualTo(i);
                assertThat(c.getFirstPosition()).isEqualTo(tokens.size());
                assertThat(c.getTokens()).hasSizeLessThanOrEqualTo(tokensPerFrame).hasSameSizeAs(c.getLogprobs());
                assertThat(c.getFinal$()).isEqualTo(i == own.size() - 1);
                if (!c.getFinal$()) {
                    int end = tokens.size() + c.getTokens().size();
                    assertThat(end).as("chunk %d ends at a boundary", i)
                            .isEqualTo(i == 0 ? 1 : i * tokensPerFrame);
                    assertThat(c.getFrameIndex()).isEqualTo(end % tokensPerFrame == 0 ? end / tokensPerFrame - 1 : -1);
                }
                tokens.addAll(c.getTokens());
            }
            assertThat(own.get(own.size() - 1).getFinishReason()).isNotNull();
            assertThat(tokens).isEqualTo(g.getTokens());
            assertThat(g.getLogprobs()).hasSameSizeAs(g.getTokens());
            assertThat(g.getPrefixTokens()).isNotEmpty();
            assertThat(g.getTotalMs()).isGreaterThanOrEqualTo(g.getQueuedMs());
        }
    }

    /**
     * With a batch window, a request reaching the idle engine does not step at once: requests arriving less than
     * the quiet gap apart are read first and all join the first step (one prefill); the window opens only on an
     * idle engine.
     */
    @Test
    void aBatchWindowLetsABurstJoinTheFirstStep() throws Exception {
        try (var h = new GenerateHarness(new EngineConfig(8, 8, 1024), new BatchWindow(10, 3))) {
            h.open();
            h.setProcessingTime(1_000L);
            h.prompt(request("w1", 2, 1, 1L));
            assertThat(io.tessera.jobs.Mailboxes.run(h, 5)).as("no step before the window ends").isZero();
            h.setProcessingTime(1_002L);
            h.prompt(request("w2", 2, 1, 2L));
            h.setProcessingTime(1_003L); // the first quiet deadline passed, but w2 came since: the window stays open
            h.setProcessingTime(1_004L);
            h.prompt(request("w3", 2, 1, 3L));
            h.setProcessingTime(1_006L);
            assertThat(io.tessera.jobs.Mailboxes.run(h, 5)).isZero();
            assertThat(h.extractOutputValues()).isEmpty();
            h.setProcessingTime(1_007L); // 3 ms without a request: the window closes and queues the first step
            io.tessera.jobs.Mailboxes.run(h, 2);
            assertThat(h.extractOutputValues()).as("each sample's first token, in one step")
                    .extracting(TokenChunk::getRequestId).containsExactlyInAnyOrder("w1", "w2", "w3");
            h.prompt(request("w4", 2, 1, 4L)); // a busy engine opens no window: w4 joins at a next step
            io.tessera.jobs.Mailboxes.run(h, 3);
            assertThat(h.extractOutputValues()).extracting(TokenChunk::getRequestId).contains("w4");
            h.endPrompts();
            assertThat(completed(h)).hasSize(4);
        }
    }

    /** A lone request waits for the quiet gap only, and a steady trickle cannot hold the window past its longest. */
    @Test
    void aBatchWindowEndsAtTheQuietGapOrItsLongestWait() throws Exception {
        try (var h = new GenerateHarness(new EngineConfig(8, 8, 1024), new BatchWindow(10, 4))) {
            h.open();
            h.setProcessingTime(1_000L);
            h.prompt(request("lone", 2, 1, 1L));
            h.setProcessingTime(1_003L);
            assertThat(io.tessera.jobs.Mailboxes.run(h, 5)).isZero();
            h.setProcessingTime(1_004L);
            io.tessera.jobs.Mailboxes.run(h, 2); // the step, put off once for pending input

            assertThat(h.extractOutputValues()).as("stepped 4 ms after the lone request").hasSize(1);
            h.endPrompts();
        }
        try (var h = new GenerateHarness(new EngineConfig(8, 8, 1024), new BatchWindow(10, 4))) {
            h.open();
            for (int t = 0; t <= 9; t += 3) { // a request every 3 ms: each keeps the quiet gap from closing it
                h.setProcessingTime(2_000L + t);
                h.prompt(request("t" + t, 2, 1, t + 1L));
                assertThat(io.tessera.jobs.Mailboxes.run(h, 5)).isZero();
            }
            h.setProcessingTime(2_010L); // the longest wait, though the last request came 1 ms ago
            io.tessera.jobs.Mailboxes.run(h, 2);
            assertThat(h.extractOutputValues()).extracting(TokenChunk::getRequestId)
                    .containsExactlyInAnyOrder("t0", "t3", "t6", "t9");
            h.endPrompts();
        }
    }

    /** Once the queued samples fill the first step's batch, waiting longer cannot add to it: it steps at once. */
    @Test
    void aFullFirstBatchClosesTheWindowAtOnce() throws Exception {
        try (var h = new GenerateHarness(new EngineConfig(2, 8, 1024), new BatchWindow(30, 30))) {
            h.open();
            h.setProcessingTime(1_000L);
            h.prompt(request("f1", 2, 1, 1L));
            assertThat(io.tessera.jobs.Mailboxes.run(h, 5)).isZero();
            h.prompt(request("f2", 2, 1, 2L));
            io.tessera.jobs.Mailboxes.run(h, 2);
            assertThat(h.extractOutputValues()).as("no time passed").isNotEmpty();
            h.endPrompts();
            assertThat(completed(h)).hasSize(2);
        }
    }

    @Test
    void emitsAChunkPerFrameWithDenseSeqAndAFinalChunk() throws Exception {
        try (var h = harness(new EngineConfig(4, 4, 1024))) {
            h.open();
            h.prompt(request("r1", FRAMES, 1, 42L));
            h.endPrompts();

            List<TokenChunk> chunks = h.extractOutputValues();
            List<GenerationCompleted> done = completed(h);
            assertThat(done).singleElement().satisfies(g -> {
                assertThat(g.getRequestId()).isEqualTo("r1");
                assertThat(g.getSeed()).isEqualTo(42L);
                assertThat(g.getTokens()).hasSize(FRAMES * tokensPerFrame);
            });
            assertThat(chunks).as("the first token alone, then a chunk per frame").hasSize(FRAMES + 1);
            assertThat(chunks.get(0).getTokens()).hasSize(1);
            assertThat(chunks.get(FRAMES).getFrameIndex()).isEqualTo(FRAMES - 1);
            assertWellFormed(chunks, done);
            assertThat(h.getSideOutput(DeadLetters.TAG)).isNullOrEmpty();
        }
    }

    @Test
    void fansARequestOutIntoSamplesWithTheirOwnSeeds() throws Exception {
        try (var h = harness(new EngineConfig(4, 4, 1024))) {
            h.open();
            h.prompt(request("group", 1, 3, 7L));
            h.endPrompts();

            List<GenerationCompleted> done = completed(h);
            assertThat(done).extracting(GenerationCompleted::getSampleIndex).containsExactlyInAnyOrder(0, 1, 2);
            assertThat(done).allSatisfy(g -> assertThat(g.getSamples()).isEqualTo(3));
            assertThat(done).extracting(GenerationCompleted::getSeed).doesNotHaveDuplicates().contains(7L);
            assertWellFormed(h.extractOutputValues(), done);
        }
    }

    @Test
    void aFullEngineMakesTheOperatorWaitInsteadOfBuffering() throws Exception {
        try (var h = harness(new EngineConfig(1, 0, 1024))) {
            h.open();
            GenerateOperator op = (GenerateOperator) h.getOperator();
            h.prompt(request("a", 1, 3, 1L));
            // processElement returned only once all three samples were in: with one slot, that means it
            // ran decode steps until samples 0 and 1 had finished (backpressure, not a buffer).
            assertThat(completed(h)).extracting(GenerationCompleted::getSampleIndex).containsExactly(0, 1);
            assertThat(op.inFlightSamples()).isEqualTo(1);
            h.endPrompts();
            assertThat(completed(h)).hasSize(3);
            assertWellFormed(h.extractOutputValues(), completed(h));
        }
    }

    @Test
    void aRequestAlreadyInFlightIsDeadLettered() throws Exception {
        try (var h = harness(new EngineConfig(4, 4, 1024))) {
            h.open();
            h.prompt(request("dup", 1, 1, 1L));
            h.prompt(request("dup", 1, 1, 1L));
            h.endPrompts();
            assertThat(h.getSideOutput(DeadLetters.TAG)).singleElement()
                    .satisfies(r -> assertThat(r.getValue().getReason()).contains("already in flight"));
            assertThat(completed(h)).hasSize(1);
        }
    }

    @Test
    void aRestoredOperatorResumesWithIdenticalTokens() throws Exception {
        GenerationRequest request = request("resume", 2, 2, 99L);
        List<TokenChunk> reference;
        List<GenerationCompleted> referenceDone;
        try (var h = harness(new EngineConfig(4, 4, 1024))) {
            h.open();
            h.prompt(request);
            h.endPrompts();
            reference = h.extractOutputValues();
            referenceDone = completed(h);
        }

        OperatorSubtaskState snapshot;
        List<TokenChunk> before;
        try (var h = harness(new EngineConfig(4, 4, 1024))) {
            h.open();
            h.prompt(request);
            // A few decode steps: past the first frame, not to the end.
            int steps = tokensPerFrame + tokensPerFrame / 2;
            assertThat(Mailboxes.run(h, steps)).isEqualTo(steps);
            before = h.extractOutputValues();
            snapshot = h.snapshot(1L, 1L);
        }
        assertThat(before).isNotEmpty().noneMatch(TokenChunk::getFinal$);

        List<TokenChunk> after;
        List<GenerationCompleted> afterDone;
        try (var h = harness(new EngineConfig(4, 4, 1024))) {
            h.initializeState(snapshot);
            h.open();
            h.endPrompts();
            after = h.extractOutputValues();
            afterDone = completed(h);
        }

        List<TokenChunk> resumed = new ArrayList<>(before);
        resumed.addAll(after);
        Comparator<TokenChunk> order = Comparator.comparing(TokenChunk::getSampleIndex)
                .thenComparing(TokenChunk::getSeq);
        assertThat(resumed.stream().sorted(order).toList())
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("emittedAtMs")
                .containsExactlyElementsOf(reference.stream().sorted(order).toList());
        assertThat(afterDone).usingRecursiveFieldByFieldElementComparatorOnFields(
                        "requestId", "sampleIndex", "tokens", "logprobs", "prefixTokens", "finishReason", "seed")
                .containsExactlyInAnyOrderElementsOf(referenceDone);
    }
}
