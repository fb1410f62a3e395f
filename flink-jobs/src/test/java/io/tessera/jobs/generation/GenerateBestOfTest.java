package io.tessera.jobs.generation;

import static io.tessera.jobs.generation.GenerateOperatorTest.assertWellFormed;
import static io.tessera.jobs.generation.GenerateOperatorTest.completed;
import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.Generator;
import io.tessera.generator.engine.Admission;
import io.tessera.generator.engine.EngineConfig;
import io.tessera.generator.engine.FinishReason;
import io.tessera.generator.engine.GenerationEngine;
import io.tessera.generator.engine.SampleRequest;
import io.tessera.generator.engine.SampleTimings;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenListener;
import io.tessera.jobs.Mailboxes;
import io.tessera.jobs.TestGenerators;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import io.tessera.reward.ClipDecoder;
import io.tessera.reward.Reward;
import io.tessera.reward.RewardConfig;
import io.tessera.reward.score.ScoringException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Best-of-N in the generate operator (harness, real engine, tiny random-init model): the returned sample is the
 * candidate the verifier scores highest, computed here independently with a bare engine and the same reward; no
 * chunk leaves before the choice; a snapshot taken while some candidates wait for their siblings restores to the
 * same winner and chunks; a cancel ends every returned sample with a final CANCELLED chunk.
 */
class GenerateBestOfTest {

    static final int FRAMES = 2;
    static final String PROMPT = "a red circle moving left";
    static int tokensPerFrame;

    @BeforeAll
    static void layout() {
        try (Generator g = TestGenerators.loader().load()) {
            tokensPerFrame = g.layout().generatedTokensPerFrame(Task.TEXT_TO_VIDEO);
            GenerateOperatorTest.tokensPerFrame = tokensPerFrame;
        }
    }

    static GenerationRequest request(String id, int samples, int bestOf, long seed) {
        return GenerationRequest.newBuilder()
                .setRequestId(id).setTask(Task.TEXT_TO_VIDEO).setPrompt(PROMPT)
                .setSampling(SamplingParams.newBuilder().setFrames(FRAMES).setSamples(samples).setBestOf(bestOf)
                        .setSeed(seed).build())
                .build();
    }

    /** One candidate computed outside the operator. */
    record Expected(long seed, List<Integer> tokens, double total) {}

    /**
     * Every candidate of every returned sample, sampled by a bare engine with seed {@code sampleSeed(seed, i * K + c)}
     * and scored by the default reward through reward-service's decoder ({@code -1} when it cannot be scored).
     */
    static List<List<Expected>> oracle(long seed, int samples, int bestOf) {
        List<List<Expected>> out = new ArrayList<>();
        Map<String, List<Integer>> tokens = new HashMap<>();
        Map<String, Long> seeds = new HashMap<>();
        try (Generator g = TestGenerators.loader().load();
                GenerationEngine engine = g.newEngine(new EngineConfig(8, 8, 1024));
                Reward reward = Reward.of(RewardConfig.DEFAULT)) {
            TokenListener listener = new TokenListener() {
                @Override
                public void onToken(String sampleId, int position, int token, float logprob, long version) {
                    tokens.get(sampleId).add(token);
                }

                @Override
                public void onFinished(String sampleId, FinishReason reason, SampleTimings timings) {}
            };
            for (int i = 0; i < samples; i++) {
                for (int c = 0; c < bestOf; c++) {
                    String id = i + "/" + c;
                    long s = SampleMeta.sampleSeed(seed, i * bestOf + c);
                    seeds.put(id, s);
                    tokens.put(id, new ArrayList<>());
                    SampleRequest r = g.sampleRequest(id, Task.TEXT_TO_VIDEO, PROMPT, List.of(), null, FRAMES,
                            new SamplingConfig(1f, 0, 1f, 1f, s), System.nanoTime());
                    assertThat(engine.submit(r, listener)).isEqualTo(Admission.ACCEPTED);
                }
            }
            while (engine.admitted() > 0) {
                engine.step();
            }
            ClipDecoder decoder = new ClipDecoder(g.tokenizers());
            for (int i = 0; i < samples; i++) {
                List<Expected> group = new ArrayList<>();
                for (int c = 0; c < bestOf; c++) {
                    String id = i + "/" + c;
                    int[] t = tokens.get(id).stream().mapToInt(Integer::intValue).toArray();
                    double total;
                    try {
                        total = reward.score(decoder.decode(Task.TEXT_TO_VIDEO, PROMPT, null, t)).total();
                    } catch (ScoringException e) {
                        total = -1;
                    }
                    group.add(new Expected(seeds.get(id), tokens.get(id), total));
                }
                out.add(group);
            }
        }
        return out;
    }

    /** Highest total, ties to the lowest index. */
    static Expected best(List<Expected> group) {
        Expected best = group.get(0);
        for (Expected e : group) {
            if (e.total() > best.total()) {
                best = e;
            }
        }
        return best;
    }

    @Test
    void returnsTheCandidateTheVerifierScoresHighestAndNoChunkBeforeTheChoice() throws Exception {
        // A seed whose winner is not candidate 0 for some returned sample, so the choice is visible.
        long seed = -1;
        List<List<Expected>> expected = null;
        for (long s = 1; s <= 12 && seed < 0; s++) {
            List<List<Expected>> e = oracle(s, 2, 3);
            if (e.stream().anyMatch(group -> best(group) != group.get(0))) {
                seed = s;
                expected = e;
            }
        }
        assertThat(seed).as("a seed among 1..12 where some winner is not candidate 0").isPositive();
        Set<Long> seeds = new HashSet<>();
        expected.forEach(group -> group.forEach(e -> seeds.add(e.seed())));
        assertThat(seeds).as("2 x 3 distinct candidate seeds").hasSize(6);

        try (var h = new GenerateHarness(new EngineConfig(4, 4, 1024))) {
            h.open();
            h.prompt(request("best", 2, 3, seed));
            GenerateOperator op = h.generateOperator();
            assertThat(op.openBestOfGroups()).isEqualTo(2);
            while (completed(h).isEmpty()) {
                assertThat(h.extractOutputValues()).as("no chunk before the choice").isEmpty();
                assertThat(Mailboxes.run(h, 1)).as("a decode step is scheduled").isEqualTo(1);
            }
            h.endPrompts();

            List<GenerationCompleted> done = completed(h);
            assertThat(done).hasSize(2);
            for (GenerationCompleted g : done) {
                List<Expected> group = expected.get(g.getSampleIndex());
                Expected winner = best(group);
                assertThat(g.getSamples()).isEqualTo(2);
                assertThat(g.getBestOf()).isEqualTo(3);
                assertThat(g.getTokens()).isEqualTo(winner.tokens());
                assertThat(g.getSeed()).isEqualTo(winner.seed());
                assertThat(g.getVerifierScores()).containsExactlyElementsOf(
                        group.stream().map(Expected::total).toList());
                assertThat(g.getFinishReason()).hasToString("LENGTH");
            }
            List<TokenChunk> chunks = h.extractOutputValues();
            assertWellFormed(chunks, done);
            assertThat(chunks).as("the first token alone, then a chunk per frame, per returned sample")
                    .hasSize(2 * (FRAMES + 1));
            assertThat(op.openBestOfGroups()).isZero();
            assertThat(op.inFlightSamples()).isZero();
            assertThat(h.getSideOutput(DeadLetters.TAG)).isNullOrEmpty();
        }
    }

    @Test
    void aSnapshotWhileCandidatesWaitForTheirSiblingsRestoresToTheSameWinnerAndChunks() throws Exception {
        // Two slots for three candidates: candidates 0 and 1 finish while candidate 2 still runs.
        EngineConfig twoSlots = new EngineConfig(2, 4, 1024);
        GenerationRequest request = request("resume", 1, 3, 5L);
        List<TokenChunk> reference;
        List<GenerationCompleted> referenceDone;
        try (var h = new GenerateHarness(twoSlots)) {
            h.open();
            h.prompt(request);
            h.endPrompts();
            reference = h.extractOutputValues();
            referenceDone = completed(h);
        }
        assertThat(referenceDone).singleElement()
                .satisfies(g -> assertThat(g.getTokens()).isEqualTo(best(oracle(5L, 1, 3).get(0)).tokens()));

        OperatorSubtaskState snapshot;
        try (var h = new GenerateHarness(twoSlots)) {
            h.open();
            h.prompt(request);
            GenerateOperator op = h.generateOperator();
            while (op.finishedCandidatesWaiting() < 2) {
                assertThat(Mailboxes.run(h, 1)).isEqualTo(1);
            }
            assertThat(Mailboxes.run(h, 3)).isEqualTo(3); // candidate 2 is under way
            assertThat(op.finishedCandidatesWaiting()).isEqualTo(2);
            assertThat(op.admittedSamples()).isEqualTo(1);
            assertThat(h.extractOutputValues()).isEmpty();
            snapshot = h.snapshot(1L, 1L);
        }

        try (var h = new GenerateHarness(twoSlots)) {
            h.initializeState(snapshot);
            h.open();
            GenerateOperator op = h.generateOperator();
            assertThat(op.openBestOfGroups()).isEqualTo(1);
            assertThat(op.finishedCandidatesWaiting()).as("finished candidates restored from state").isEqualTo(2);
            assertThat(op.inFlightSamples()).as("the running candidate resumed").isEqualTo(1);
            h.endPrompts();
            Comparator<TokenChunk> order = Comparator.comparing(TokenChunk::getSampleIndex)
                    .thenComparing(TokenChunk::getSeq);
            assertThat(h.extractOutputValues().stream().sorted(order).toList())
                    .usingRecursiveFieldByFieldElementComparatorIgnoringFields("emittedAtMs")
                    .containsExactlyElementsOf(reference.stream().sorted(order).toList());
            assertThat(completed(h)).usingRecursiveFieldByFieldElementComparatorOnFields("requestId", "sampleIndex",
                    "tokens", "logprobs", "prefixTokens", "finishReason", "seed", "bestOf", "verifierScores")
                    .containsExactlyElementsOf(referenceDone);
        }
    }

    @Test
    void aCancelMidWayEndsEveryReturnedSampleWithAFinalCancelledChunk() throws Exception {
        try (var h = new GenerateHarness(new EngineConfig(4, 4, 1024))) {
            h.open();
            h.prompt(request("c", 2, 3, 9L));
            int steps = tokensPerFrame + tokensPerFrame / 2;
            assertThat(Mailboxes.run(h, steps)).isEqualTo(steps);
            GenerateOperator op = h.generateOperator();
            assertThat(op.admittedSamples()).as("6 candidates: 4 slots and the queue").isEqualTo(6);
            assertThat(h.extractOutputValues()).isEmpty();

            h.cancel("c");

            assertThat(op.admittedSamples()).isZero();
            assertThat(op.openBestOfGroups()).isZero();
            assertThat(op.inFlightSamples()).isZero();
            List<GenerationCompleted> done = completed(h);
            assertThat(done).hasSize(2).allSatisfy(g -> {
                assertThat(g.getFinishReason()).hasToString("CANCELLED");
                assertThat(g.getBestOf()).isEqualTo(3);
                assertThat(g.getVerifierScores()).hasSize(3);
                assertThat(g.getTokens()).hasSizeLessThan(FRAMES * tokensPerFrame);
            });
            List<TokenChunk> chunks = h.extractOutputValues();
            assertWellFormed(chunks, done);
            assertThat(chunks).filteredOn(TokenChunk::getFinal$).hasSize(2)
                    .allSatisfy(c -> assertThat(c.getFinishReason()).hasToString("CANCELLED"));
            h.endPrompts();
            assertThat(h.extractOutputValues()).hasSameSizeAs(chunks);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void aCancelBeforeTheBestOfPromptEndsEachReturnedSampleOnce() throws Exception {
        try (var h = new GenerateHarness(new EngineConfig(4, 4, 1024))) {
            h.open();
            h.setProcessingTime(1_000L);
            h.cancel("early");
            h.prompt(request("early", 2, 3, 1L));
            assertThat(h.generateOperator().admittedSamples()).isZero();
            assertThat(h.generateOperator().openBestOfGroups()).isZero();
            assertThat(completed(h)).hasSize(2).allSatisfy(g -> {
                assertThat(g.getFinishReason()).hasToString("CANCELLED");
                assertThat(g.getTokens()).isEmpty();
                assertThat(g.getVerifierScores()).containsExactly(-1.0, -1.0, -1.0);
            });
            assertThat(h.extractOutputValues()).hasSize(2).allSatisfy(c -> {
                assertThat(c.getSeq()).isZero();
                assertThat(c.getFinal$()).isTrue();
            });
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void chooseTakesTheHighestTotalTiesToTheLowestIndexAndCandidateZeroWhenNoneScored() {
        double ninf = Double.NEGATIVE_INFINITY;
        assertThat(CandidateGroup.choose(new double[] {0.2, 0.7, 0.5})).isEqualTo(1);
        assertThat(CandidateGroup.choose(new double[] {0.4, 0.7, 0.7})).isEqualTo(1);
        assertThat(CandidateGroup.choose(new double[] {ninf, 0.1, ninf})).isEqualTo(1);
        assertThat(CandidateGroup.choose(new double[] {ninf, ninf, Double.NaN})).isZero();
        assertThat(SampleMeta.candidateSeed(7L, 0, 0, 4)).as("candidate 0 of sample 0 keeps the request seed")
                .isEqualTo(7L);
        assertThat(SampleMeta.candidateSeed(7L, 3, 0, 1)).as("bestOf 1: the plain sample seed")
                .isEqualTo(SampleMeta.sampleSeed(7L, 3));
    }
}
