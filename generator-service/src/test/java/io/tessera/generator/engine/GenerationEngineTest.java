package io.tessera.generator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tessera.generator.model.ModelConfig;
import io.tessera.generator.model.Policy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GenerationEngineTest {
    /** vocab 300, d 32, 2 layers, 4 heads, 96 positions; id 299 ends a sample. */
    static final ModelConfig TINY = new ModelConfig(300, 32, 2, 4, 64, 96, 10_000f, 299);
    /** Every position may take ids 0..298 (not the end-of-sequence id), so lengths are predictable. */
    static final TokenGrammar NO_EOS = TokenGrammar.unconstrained(299);

    static Policy policy;

    @BeforeAll
    static void init() {
        policy = Policy.randomInit(TINY, 11).withVersion(1);
    }

    @AfterAll
    static void close() {
        policy.close();
    }

    static SampleRequest request(String id, int prefixLen, int maxNew, boolean guided, long seed) {
        SplittableRandom r = new SplittableRandom(seed * 31 + prefixLen);
        int[] prefix = r.ints(prefixLen, 0, 299).toArray();
        int[] uncond = guided ? new int[] {prefix[0]} : null; // condition dropped: task token only
        SamplingConfig s = new SamplingConfig(0.7f, guided ? 40 : 0, guided ? 1f : 0.95f, guided ? 2.5f : 1f, seed);
        return new SampleRequest(id, prefix, uncond, maxNew, NO_EOS, s, System.nanoTime());
    }

    static void drain(GenerationEngine e) {
        for (int i = 0; i < 10_000 && e.admitted() > 0; i++) {
            e.step();
        }
        assertThat(e.admitted()).isZero();
    }

    static void assertMatchesReference(Recorder rec, SampleRequest r, Policy p, int maxLen) {
        SampleState ref = ReferenceGenerator.generate(p, r, maxLen);
        assertThat(rec.tokensOf(r.sampleId())).as("tokens of %s", r.sampleId()).containsExactly(ref.generated());
        List<Float> lp = rec.logprobs.get(r.sampleId());
        for (int i = 0; i < ref.logprobs().length; i++) {
            assertThat(lp.get(i)).isCloseTo(ref.logprobs()[i], within(1e-3f));
        }
    }

    @Test
    void batchedEngineEqualsOneAtATimeReference() {
        List<SampleRequest> reqs = List.of(
                request("a", 5, 12, false, 1), request("b", 17, 9, true, 2), request("c", 1, 15, false, 3),
                request("d", 9, 6, true, 4), request("e", 3, 20, false, 5), request("f", 30, 11, false, 6));
        Recorder rec = new Recorder();
        try (GenerationEngine e = new GenerationEngine(policy, new EngineConfig(4, 8, 96))) {
            // staggered arrival: two now, two after two steps, two after three more
            assertThat(e.submit(reqs.get(0), rec)).isEqualTo(Admission.ACCEPTED);
            assertThat(e.submit(reqs.get(1), rec)).isEqualTo(Admission.ACCEPTED);
            e.step();
            e.step();
            e.submit(reqs.get(2), rec);
            e.submit(reqs.get(3), rec);
            e.step();
            assertThat(e.active()).as("b and d are guided: two slots each").isLessThanOrEqualTo(3);
            e.step();
            e.step();
            e.submit(reqs.get(4), rec);
            e.submit(reqs.get(5), rec);
            drain(e);
        }
        for (SampleRequest r : reqs) {
            assertThat(rec.finished.get(r.sampleId())).isEqualTo(FinishReason.LENGTH);
            assertThat(rec.tokensOf(r.sampleId())).hasSize(r.maxNewTokens());
            assertMatchesReference(rec, r, policy, 96);
        }
    }

    /**
     * Steps of 16 or more rows run as two row ranges on two threads (prefill, decode and the draws): the tokens
     * still equal one-at-a-time generation, through samples leaving mid-way (which moves slots across ranges).
     */
    @Test
    void shardedStepsEqualOneAtATimeReference() {
        List<SampleRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            reqs.add(request("s" + i, 1 + (i * 5) % 23, 4 + (i * 7) % 13, i % 3 == 0, 100 + i));
        }
        Recorder rec = new Recorder();
        EngineConfig sharded = new EngineConfig(24, 24, 96, EngineConfig.DEFAULT_SWAP_PREFILL_TOKENS, 2);
        try (GenerationEngine e = new GenerationEngine(policy, sharded)) {
            for (SampleRequest r : reqs) {
                assertThat(e.submit(r, rec)).isEqualTo(Admission.ACCEPTED);
            }
            drain(e);
        }
        for (SampleRequest r : reqs) {
            assertThat(rec.finished.get(r.sampleId())).isEqualTo(FinishReason.LENGTH);
            assertMatchesReference(rec, r, policy, 96);
        }
        assertThatThrownBy(() -> new EngineConfig(4, 4, 96, 0, 0)).hasMessageContaining("decodeShards");
    }

    /**
     * Guidance on the first tokens only: the tokens equal the reference's (guided up to the limit, plain after),
     * the unconditional slot is free from the first unguided step, and a snapshot on either side of the limit
     * resumes to the same tokens.
     */
    @Test
    void guidanceForTheFirstTokensOnlyFreesTheUnconditionalSlotAndMatchesTheReference() {
        SampleRequest g = withGuidedTokens(request("g", 7, 12, true, 31), 4);
        SampleRequest h = withGuidedTokens(request("h", 3, 10, true, 32), 1);
        SampleRequest plain = request("p", 5, 10, false, 33);
        Recorder rec = new Recorder();
        try (GenerationEngine e = new GenerationEngine(policy, new EngineConfig(4, 4, 96))) {
            e.submit(g, rec);
            e.submit(h, rec);
            e.step(); // g and h sample their first (guided) token on four slots; h then frees its second slot
            assertThat(e.submit(plain, rec)).isEqualTo(Admission.ACCEPTED);
            e.step();
            assertThat(e.active()).as("p took the slot h freed").isEqualTo(3);
            e.step();
            assertThat(e.nextStepFull()).as("g still guided: all four slots taken").isTrue();
            e.step(); // g's 4th and last guided token: its unconditional slot is freed
            assertThat(e.nextStepFull()).isFalse();
            drain(e);
        }
        for (SampleRequest r : List.of(g, h, plain)) {
            assertThat(rec.finished.get(r.sampleId())).isEqualTo(FinishReason.LENGTH);
            assertMatchesReference(rec, r, policy, 96);
        }
        SampleState everyToken = ReferenceGenerator.generate(policy, request("g", 7, 12, true, 31), 96);
        assertThat(Arrays.equals(rec.tokensOf("g"), everyToken.generated()))
                .as("guidance on every token samples other tokens").isFalse();
        for (int stop : new int[] {2, 6}) { // before and after g's last guided token
            List<SampleState> states;
            try (GenerationEngine e = new GenerationEngine(policy, new EngineConfig(4, 4, 96))) {
                e.submit(g, new Recorder());
                for (int i = 0; i < stop; i++) {
                    e.step();
                }
                states = e.snapshot();
            }
            Recorder after = new Recorder();
            try (GenerationEngine fresh = new GenerationEngine(policy, new EngineConfig(4, 4, 96))) {
                after.startingAt("g", states.get(0).nextPosition());
                fresh.resume(states.get(0), after);
                drain(fresh);
            }
            List<Integer> joined = new ArrayList<>(Arrays.stream(states.get(0).generated()).boxed().toList());
            joined.addAll(after.tokens.get("g"));
            assertThat(joined).as("resumed after %d tokens", stop)
                    .isEqualTo(Arrays.stream(rec.tokensOf("g")).boxed().toList());
        }
    }

    private static SampleRequest withGuidedTokens(SampleRequest r, int n) {
        return new SampleRequest(r.sampleId(), r.prefix(), r.unconditionalPrefix(), r.maxNewTokens(), r.grammar(),
                r.sampling().withGuidedTokens(n), r.arrivedAtNanos());
    }

    @Test
    void sequencesEndAtTheEngineLengthAndOnEndOfSequence() {
        // position 3 of every period of 4 may only be the end-of-sequence id
        TokenGrammar eosAt3 = new TokenGrammar(new int[] {0, 0, 0, 299}, new int[] {299, 299, 299, 300});
        SampleRequest eos = new SampleRequest("eos", new int[] {1, 2, 3}, null, 50, eosAt3, SamplingConfig.DEFAULT, 0L);
        SampleRequest longOne = request("long", 10, 50, false, 8);
        Recorder rec = new Recorder();
        try (GenerationEngine e = new GenerationEngine(policy, new EngineConfig(2, 0, 16))) {
            e.submit(eos, rec);
            e.submit(longOne, rec);
            drain(e);
        }
        assertThat(rec.finished.get("eos")).isEqualTo(FinishReason.END_OF_SEQUENCE);
        assertThat(rec.tokensOf("eos")).hasSize(4).endsWith(299);
        assertThat(rec.finished.get("long")).isEqualTo(FinishReason.LENGTH);
        assertThat(rec.tokensOf("long")).hasSize(16 - 10);
        assertMatchesReference(rec, longOne, policy, 16);
        assertMatchesReference(rec, eos, policy, 16);
    }

    @Test
    void snapshotMidwayAndResumeInAFreshEngineGivesTheUninterruptedTokens() {
        List<SampleRequest> reqs = List.of(request("s1", 4, 14, false, 21), request("s2", 8, 10, true, 22),
                request("s3", 2, 12, false, 23), request("s4", 6, 9, false, 24));
        Recorder uninterrupted = new Recorder();
        try (GenerationEngine e = new GenerationEngine(policy, new EngineConfig(3, 4, 96))) {
            reqs.forEach(r -> e.submit(r, uninterrupted));
            drain(e);
        }
        Recorder before = new Recorder();
        List<SampleState> states;
        try (GenerationEngine e = new GenerationEngine(policy, new EngineConfig(3, 4, 96))) {
            reqs.forEach(r -> e.submit(r, before));
            for (int i = 0; i < 5; i++) {
                e.step();
            }
            states = e.snapshot();
        }
        assertThat(states).hasSize(4);
        assertThat(states.stream().filter(s -> s.generated().length > 0)).as("some were mid-way").isNotEmpty();
        assertThat(states.stream().filter(s -> s.generated().length == 0)).as("some were still queued").isNotEmpty();
        Recorder after = new Recorder();
        try (GenerationEngine fresh = new GenerationEngine(policy, new EngineConfig(4, 4, 96))) {
            for (SampleState s : states) {
                after.startingAt(s.request().sampleId(), s.nextPosition());
                assertThat(fresh.resume(s, after)).isEqualTo(Admission.ACCEPTED);
            }
            drain(fresh);
        }
        for (SampleState s : states) {
            String id = s.request().sampleId();
            List<Integer> joined = new ArrayList<>();
            for (int t : s.generated()) {
                joined.add(t);
            }
            joined.addAll(after.tokens.getOrDefault(id, List.of()));
            assertThat(joined).as("tokens of %s", id).isEqualTo(uninterrupted.tokens.get(id));
            assertThat(after.finished.get(id)).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void cancelFreesTheSlotAtOnceAndReportsCancelled() {
        Recorder rec = new Recorder();
        try (GenerationEngine e = new GenerationEngine(policy, new EngineConfig(2, 2, 96))) {
            e.submit(request("x", 5, 30, false, 1), rec);
            e.submit(request("y", 5, 30, false, 2), rec);
            e.submit(request("z", 5, 4, false, 3), rec);
            e.submit(request("w", 5, 4, false, 4), rec);
            e.step();
            assertThat(e.active()).isEqualTo(2);
            assertThat(e.queued()).isEqualTo(2);
            assertThat(e.cancel("x")).isTrue();
            assertThat(rec.finished.get("x")).isEqualTo(FinishReason.CANCELLED);
            assertThat(e.active()).isEqualTo(1);
            assertThat(e.cancel("w")).as("a queued sample").isTrue();
            assertThat(rec.finished.get("w")).isEqualTo(FinishReason.CANCELLED);
            assertThat(rec.tokens).doesNotContainKey("w");
            assertThat(e.cancel("x")).as("already gone").isFalse();
            assertThat(e.cancel("nope")).isFalse();
            int xTokens = rec.tokensOf("x").length;
            e.step();
            assertThat(e.active()).as("z took x's slot").isEqualTo(2);
            assertThat(rec.tokensOf("x")).hasSize(xTokens);
            drain(e);
        }
        assertThat(rec.finished).containsEntry("y", FinishReason.LENGTH).containsEntry("z", FinishReason.LENGTH);
        // the sample that moved slots when x left still matches the oracle
        assertMatchesReference(rec, request("y", 5, 30, false, 2), policy, 96);
        assertMatchesReference(rec, request("z", 5, 4, false, 3), policy, 96);
    }

    @Test
    void aListenerMayCancelAnotherSampleFromItsCallback() {
        Recorder rec = new Recorder();
        SampleRequest keep = request("keep", 4, 8, false, 41);
        try (GenerationEngine e = new GenerationEngine(policy, new EngineConfig(3, 0, 96))) {
            e.submit(request("victim", 4, 20, false, 40), rec);
            e.submit(keep, new TokenListener() {
                @Override
                public void onToken(String id, int position, int token, float logprob, long version) {
                    rec.onToken(id, position, token, logprob, version);
                    if (position == 2) {
                        e.cancel("victim"); // victim sits in slot 0: keep's slot moves mid-step
                    }
                }

                @Override
                public void onFinished(String id, FinishReason reason, SampleTimings t) {
                    rec.onFinished(id, reason, t);
                }
            });
            e.submit(request("third", 2, 8, true, 42), rec);
            drain(e);
        }
        assertThat(rec.finished).containsEntry("victim", FinishReason.CANCELLED)
                .containsEntry("keep", FinishReason.LENGTH).containsEntry("third", FinishReason.LENGTH);
        assertThat(rec.tokensOf("victim")).as("victim is sampled before keep within a step").hasSize(3);
        assertMatchesReference(rec, keep, policy, 96);
        assertMatchesReference(rec, request("third", 2, 8, true, 42), policy, 96);
    }

    /** The next step is full once the queued samples take every free slot; a guided sample takes two. */
    @Test
    void nextStepFullCountsSlotsNotSamples() {
        Recorder rec = new Recorder();
        try (GenerationEngine e = new GenerationEngine(policy, new EngineConfig(4, 4, 96))) {
            assertThat(e.nextStepFull()).isFalse();
            e.submit(request("g1", 3, 5, true, 1), rec);
            assertThat(e.nextStepFull()).as("2 of 4 slots").isFalse();
            e.submit(request("p1", 3, 5, false, 2), rec);
            assertThat(e.nextStepFull()).as("3 of 4 slots").isFalse();
            e.submit(request("g2", 3, 5, true, 3), rec);
            assertThat(e.nextStepFull()).as("5 slots wanted, 4 free").isTrue();
            e.step(); // g1 and p1 run, g2 waits
            assertThat(e.nextStepFull()).as("1 free slot, g2 needs 2").isTrue();
            drain(e);
            assertThat(e.nextStepFull()).isFalse();
        }
    }

    @Test
    void answersFullWhenBatchAndQueueAreAtTheirBounds() {
        Recorder rec = new Recorder();
        try (GenerationEngine e = new GenerationEngine(policy, new EngineConfig(2, 1, 96))) {
            assertThat(e.submit(request("1", 3, 2, false, 1), rec)).isEqualTo(Admission.ACCEPTED);
            assertThat(e.submit(request("2", 3, 5, false, 2), rec)).isEqualTo(Admission.ACCEPTED);
            assertThat(e.submit(request("3", 3, 5, false, 3), rec)).isEqualTo(Admission.ACCEPTED);
            assertThat(e.hasCapacity()).isFalse();
            assertThat(e.submit(request("4", 3, 5, false, 4), rec)).isEqualTo(Admission.FULL);
            assertThat(e.admitted()).isEqualTo(3);
            e.step(); // 1 and 2 active, 3 queued
            assertThat(e.submit(request("4", 3, 5, false, 4), rec)).isEqualTo(Admission.FULL);
            e.step(); // 1 finishes (2 tokens)
            assertThat(rec.finished).containsKey("1");
            assertThat(e.hasCapacity()).isTrue();
            assertThat(e.submit(request("4", 3, 5, false, 4), rec)).isEqualTo(Admission.ACCEPTED);
            drain(e);
        }
        assertThat(rec.finished).hasSize(4);
        assertThatThrownBy(() -> new GenerationEngine(policy, new EngineConfig(1, 1, 96))
                .submit(request("g", 3, 5, true, 1), rec)).hasMessageContaining("needs 2 slots");
    }

    @Test
    void swappedWeightsApplyToLaterTokensOnly() {
        SampleRequest a = request("a", 6, 12, false, 31);
        SampleRequest b = request("b", 3, 12, true, 32);
        Recorder rec = new Recorder();
        List<SampleState> atSwap;
        try (Policy next = Policy.randomInit(TINY, 99).withVersion(2);
                GenerationEngine e = new GenerationEngine(policy, new EngineConfig(4, 4, 96))) {
            e.submit(a, rec);
            e.submit(b, rec);
            for (int i = 0; i < 4; i++) {
                e.step();
            }
            atSwap = e.snapshot();
            e.swapPolicy(next);
            assertThat(e.policyVersion()).isEqualTo(2);
            drain(e);
            // oracle for the part after the swap: the new policy resuming the state at the swap point
            Recorder resumed = new Recorder();
            try (GenerationEngine fresh = new GenerationEngine(next, new EngineConfig(4, 4, 96))) {
                for (SampleState s : atSwap) {
                    fresh.resume(s, resumed.startingAt(s.request().sampleId(), s.nextPosition()));
                }
                drain(fresh);
            }
            for (SampleRequest r : List.of(a, b)) {
                String id = r.sampleId();
                assertThat(rec.finished.get(id)).isEqualTo(FinishReason.LENGTH);
                List<Long> v = rec.versions.get(id);
                assertThat(v.subList(0, 4)).containsOnly(1L);
                assertThat(v.subList(4, v.size())).containsOnly(2L);
                assertThat(rec.tokens.get(id).subList(4, 12)).isEqualTo(resumed.tokens.get(id));
            }
        }
        assertMatchesPrefix(rec, a, 4);
        assertThatThrownBy(() -> {
            try (Policy other = Policy.randomInit(new ModelConfig(300, 32, 3, 4, 64, 96, 10_000f, 299), 1);
                    GenerationEngine e = new GenerationEngine(policy, EngineConfig.DEFAULT)) {
                e.swapPolicy(other);
            }
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another model config");
    }

    /**
     * A swap moves in-flight samples to the new weights a bounded number of cached tokens per step: with a
     * budget smaller than one sample, exactly one sample moves per step, oldest first. Each sample's tokens are
     * the old policy's up to the step it moved and, from there, what the new policy resuming it at that
     * position samples: no token saw keys of two policies. The old policy stays in use until the last sample
     * moved.
     */
    @Test
    void aSwapMovesInFlightSamplesOverOnePerStepWithinTheBudget() {
        List<SampleRequest> reqs = List.of(request("a", 8, 20, false, 41), request("b", 5, 20, true, 42),
                request("c", 11, 20, false, 43));
        Recorder rec = new Recorder();
        int before = 3;
        try (Policy next = Policy.randomInit(TINY, 77).withVersion(2);
                GenerationEngine e = new GenerationEngine(policy, new EngineConfig(4, 4, 96, 4))) {
            reqs.forEach(r -> e.submit(r, rec));
            for (int i = 0; i < before; i++) {
                e.step();
            }
            e.swapPolicy(next);
            assertThat(e.policyVersion()).isEqualTo(2);
            assertThat(e.swapInProgress()).isTrue();
            List<Integer> moved = new ArrayList<>();
            for (int i = 0; i < reqs.size(); i++) {
                assertThat(e.uses(policy)).as("the old policy is needed until the last sample moved").isTrue();
                e.step();
                moved.add(e.lastStepMovedTokens());
            }
            assertThat(e.swapInProgress()).isFalse();
            assertThat(e.uses(policy)).isFalse();
            assertThat(e.uses(next)).isTrue();
            // one sample per step, in admission order, each costing its cached tokens (prefix + generated - 1):
            // a after 3 tokens 8+3-1; b (guided: a 5-token row and a 1-token unconditional row) after 4 tokens
            // (5+4-1)+(1+4-1); c after 5 tokens 11+5-1
            assertThat(moved).containsExactly(10, 8 + 4, 15);
            drain(e);

            for (int k = 0; k < reqs.size(); k++) {
                SampleRequest r = reqs.get(k);
                String id = r.sampleId();
                int switchAt = before + k; // tokens 0..switchAt-1 were sampled before it moved
                List<Long> v = rec.versions.get(id);
                assertThat(v).as("versions of %s", id).hasSize(20);
                assertThat(v.subList(0, switchAt)).as("%s before it moved", id).containsOnly(1L);
                assertThat(v.subList(switchAt, 20)).as("%s after it moved", id).containsOnly(2L);
                assertMatchesPrefix(rec, r, switchAt);
                int[] head = java.util.Arrays.copyOf(rec.tokensOf(id), switchAt);
                float[] headLp = new float[switchAt];
                long[] headV = new long[switchAt];
                java.util.Arrays.fill(headV, 1L);
                Recorder resumed = new Recorder().startingAt(id, switchAt);
                try (GenerationEngine fresh = new GenerationEngine(next, new EngineConfig(4, 4, 96))) {
                    fresh.resume(new SampleState(r, head, headLp, headV), resumed);
                    drain(fresh);
                }
                assertThat(rec.tokens.get(id).subList(switchAt, 20)).as("%s after it moved", id)
                        .isEqualTo(resumed.tokens.get(id));
            }
        }
    }

    /**
     * A snapshot in the middle of a swap (one sample moved, two still on the old policy), restored into a fresh
     * engine on the new policy with the draining lane rebuilt, goes on exactly as the uninterrupted engine: the
     * same tokens, log-probabilities and versions, the remaining samples moving at the same steps.
     */
    @Test
    void aSnapshotTakenDuringASwapResumesWithTheSameMovesAndTokens() {
        List<SampleRequest> reqs = List.of(request("a", 8, 20, false, 61), request("b", 5, 20, true, 62),
                request("c", 11, 20, false, 63));
        Recorder uninterrupted = new Recorder();
        List<SampleState> states;
        List<Boolean> draining = new ArrayList<>();
        try (Policy next = Policy.randomInit(TINY, 90).withVersion(2)) {
            try (GenerationEngine e = new GenerationEngine(policy, new EngineConfig(4, 4, 96, 4))) {
                reqs.forEach(r -> e.submit(r, uninterrupted));
                for (int i = 0; i < 3; i++) {
                    e.step();
                }
                e.swapPolicy(next);
                e.step(); // a moves
                states = e.snapshot();
                for (SampleState st : states) {
                    draining.add(e.onDrainingPolicy(st.request().sampleId()));
                }
                assertThat(draining).containsExactly(false, true, true);
                assertThat(e.drainingPolicy()).isSameAs(policy);
                drain(e);
            }
            Recorder restored = new Recorder();
            try (GenerationEngine fresh = new GenerationEngine(next, new EngineConfig(4, 4, 96, 4))) {
                fresh.restoreSwapFrom(policy);
                for (int i = 0; i < states.size(); i++) {
                    SampleState st = states.get(i);
                    fresh.resume(st, restored.startingAt(st.request().sampleId(), st.nextPosition()), draining.get(i));
                    assertThat(fresh.onDrainingPolicy(st.request().sampleId()))
                            .as("queued for its first step, still on the draining policy").isEqualTo(draining.get(i));
                }
                drain(fresh);
                assertThat(fresh.uses(policy)).isFalse();
            }
            for (SampleState st : states) {
                String id = st.request().sampleId();
                int from = st.nextPosition();
                assertThat(restored.tokens.get(id)).as("tokens of %s after the snapshot", id)
                        .isEqualTo(uninterrupted.tokens.get(id).subList(from, 20));
                assertThat(restored.versions.get(id)).as("versions of %s after the snapshot", id)
                        .isEqualTo(uninterrupted.versions.get(id).subList(from, 20));
            }
            assertThat(uninterrupted.versions.get("c").subList(0, 5)).containsOnly(1L);
        }
    }

    @Test
    void aSwapDuringASwapWaitsForItAndCompleteSwapMovesEverySampleAtOnce() {
        List<SampleRequest> reqs = List.of(request("a", 8, 12, false, 51), request("b", 9, 12, false, 52));
        Recorder rec = new Recorder();
        try (Policy v2 = Policy.randomInit(TINY, 78).withVersion(2);
                Policy v3 = Policy.randomInit(TINY, 79).withVersion(3);
                Policy v4 = Policy.randomInit(TINY, 80).withVersion(4);
                GenerationEngine e = new GenerationEngine(policy, new EngineConfig(4, 4, 96, 1))) {
            reqs.forEach(r -> e.submit(r, rec));
            e.step();
            e.swapPolicy(v2);
            e.swapPolicy(v3); // waits for v2's swap
            e.swapPolicy(v4); // replaces v3, which never runs
            assertThat(e.policyVersion()).isEqualTo(4);
            assertThat(e.uses(v3)).isFalse();
            assertThat(e.uses(v4)).isTrue();
            e.completeSwap();
            assertThat(e.swapInProgress()).isFalse();
            assertThat(e.uses(policy)).isFalse();
            assertThat(e.uses(v2)).isFalse();
            drain(e);
        }
        for (SampleRequest r : reqs) {
            List<Long> v = rec.versions.get(r.sampleId());
            assertThat(v.get(0)).isEqualTo(1L);
            assertThat(v.subList(1, v.size())).as("after completeSwap every token is v4's").containsOnly(4L);
        }
    }

    /**
     * With a swap budget of 0 nothing is re-prefilled: in-flight samples finish on the policy they started on
     * (every token the old policy's, equal to the old policy's reference), samples admitted after the swap run the
     * new one, and a further swap waits until the old samples are done.
     */
    @Test
    void withASwapBudgetOfZeroInFlightSamplesFinishOnTheirPolicy() {
        SampleRequest a = request("a", 6, 10, false, 41);
        SampleRequest b = request("b", 3, 8, true, 42);
        SampleRequest c = request("c", 5, 6, false, 43);
        Recorder rec = new Recorder();
        try (Policy next = Policy.randomInit(TINY, 98).withVersion(2);
                Policy third = Policy.randomInit(TINY, 97).withVersion(3);
                GenerationEngine e = new GenerationEngine(policy, new EngineConfig(4, 4, 96, 0))) {
            e.submit(a, rec);
            e.submit(b, rec);
            e.step();
            e.step();
            e.swapPolicy(next);
            e.submit(c, rec);
            e.step();
            assertThat(e.lastStepMovedTokens()).isZero();
            e.swapPolicy(third);
            assertThat(e.hasWaitingPolicy()).as("the old policy still runs a and b").isTrue();
            for (int i = 0; i < 200 && e.uses(policy); i++) {
                e.step();
                assertThat(e.lastStepMovedTokens()).isZero();
            }
            assertThat(rec.finished).containsKeys("a", "b");
            assertThat(e.hasWaitingPolicy()).as("third started once a and b finished").isFalse();
            drain(e);
        }
        assertThat(rec.versions.get("a")).containsOnly(1L);
        assertThat(rec.versions.get("b")).containsOnly(1L);
        assertMatchesReference(rec, a, policy, 96);
        assertMatchesReference(rec, b, policy, 96);
        assertThat(rec.versions.get("c").get(0)).isEqualTo(2L);
        assertThatThrownBy(() -> new EngineConfig(4, 4, 96, -1)).hasMessageContaining("swapPrefillTokens");
    }

    @Test
    void aSwapWithNothingRunningAppliesAtOnce() {
        Recorder rec = new Recorder();
        try (Policy next = Policy.randomInit(TINY, 81).withVersion(2);
                GenerationEngine e = new GenerationEngine(policy, new EngineConfig(2, 2, 96))) {
            e.swapPolicy(next);
            assertThat(e.swapInProgress()).isFalse();
            assertThat(e.uses(policy)).isFalse();
            SampleRequest r = request("solo", 4, 6, false, 9);
            e.submit(r, rec);
            drain(e);
            assertThat(rec.versions.get("solo")).containsOnly(2L);
            assertThat(rec.tokensOf("solo")).containsExactly(ReferenceGenerator.generate(next, r, 96).generated());
        }
    }

    private static void assertMatchesPrefix(Recorder rec, SampleRequest r, int n) {
        SampleState ref = ReferenceGenerator.generate(policy, r, 96);
        assertThat(rec.tokens.get(r.sampleId()).subList(0, n))
                .isEqualTo(java.util.Arrays.stream(ref.generated()).boxed().toList().subList(0, n));
    }

    @Test
    void rejectsBadRequestsWithClearErrors() {
        Recorder rec = new Recorder();
        try (GenerationEngine e = new GenerationEngine(policy, new EngineConfig(2, 2, 16))) {
            assertThatThrownBy(() -> e.submit(request("long", 16, 2, false, 1), rec))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix of 16");
            SampleRequest bad = new SampleRequest("bad", new int[] {1, 300}, null, 2, NO_EOS, SamplingConfig.DEFAULT, 0);
            assertThatThrownBy(() -> e.submit(bad, rec)).hasMessageContaining("outside the vocabulary");
            SampleRequest badGrammar = new SampleRequest("g", new int[] {1}, null, 2,
                    new TokenGrammar(new int[] {0, 300}, new int[] {10, 310}), SamplingConfig.DEFAULT, 0);
            assertThatThrownBy(() -> e.submit(badGrammar, rec)).hasMessageContaining("grammar range");
            e.submit(request("dup", 2, 2, false, 1), rec);
            assertThatThrownBy(() -> e.submit(request("dup", 2, 2, false, 1), rec)).hasMessageContaining("already");
        }
    }
}
