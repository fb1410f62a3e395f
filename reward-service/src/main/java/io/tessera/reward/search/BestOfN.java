package io.tessera.reward.search;

import io.tessera.generator.Generator;
import io.tessera.generator.engine.Admission;
import io.tessera.generator.engine.EngineConfig;
import io.tessera.generator.engine.FinishReason;
import io.tessera.generator.engine.GenerationEngine;
import io.tessera.generator.engine.SampleRequest;
import io.tessera.generator.engine.SampleTimings;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenListener;
import io.tessera.records.Task;
import io.tessera.reward.ClipDecoder;
import io.tessera.reward.Reward;
import io.tessera.reward.RewardResult;
import io.tessera.reward.score.ScoringException;
import io.tessera.reward.score.ScoringInput;
import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Test-time search: for a prompt, sample N clips with the generator's engine (all N in one batch, each
 * with its own seed), score each with a reward as verifier, and return the best with every score.
 * Candidate i samples with seed {@link #seedOf(long, int)}: candidate 0 keeps the request's seed, so
 * best-of-1 is plain sampling. Several prompts can be searched together ({@link #searchAll}): every
 * candidate of every prompt shares one engine, so the batch is as wide as the engine allows.
 */
public final class BestOfN {

    /** One prompt to search. */
    public record Query(Task task, String prompt, List<BufferedImage> conditioningFrames, float[] conditioningAudio,
            int frames, SamplingConfig sampling) {
        public Query {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(sampling, "sampling");
            conditioningFrames = conditioningFrames == null ? List.of() : List.copyOf(conditioningFrames);
        }

        public static Query textToVideo(String prompt, int frames, SamplingConfig sampling) {
            return new Query(Task.TEXT_TO_VIDEO, prompt, List.of(), null, frames, sampling);
        }
    }

    /**
     * One sample and its verdict.
     *
     * @param reward the verifier's result, or null when the clip could not be scored ({@code error} says why)
     */
    public record Candidate(int index, long seed, int[] prefix, int[] tokens, ScoringInput clip, RewardResult reward,
            String error) {
        /** The verifier's total, or -1 for an unscorable clip (never chosen over a scored one). */
        public double total() {
            return reward == null ? -1 : reward.total();
        }
    }

    /** The chosen candidate and all of them, in index order. */
    public record Result(Candidate best, List<Candidate> candidates) {}

    private final Generator generator;
    private final Reward verifier;
    private final EngineConfig engine;
    private final ClipDecoder decoder;

    public BestOfN(Generator generator, Reward verifier, EngineConfig engine) {
        this.generator = Objects.requireNonNull(generator, "generator");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.decoder = new ClipDecoder(generator.tokenizers());
    }

    /** Candidate i's seed: 0 keeps the request's, others a SplitMix64 mix of (seed, i). */
    public static long seedOf(long seed, int i) {
        if (i == 0) {
            return seed;
        }
        long z = seed + i * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public Result search(Query query, int n) {
        return searchAll(List.of(query), n).get(0);
    }

    /** Searches every query with {@code n} candidates each, all candidates sharing one engine. */
    public List<Result> searchAll(List<Query> queries, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        List<Result> out = new ArrayList<>();
        for (List<Draw> draws : sampleAll(queries, n)) {
            List<Candidate> scored = new ArrayList<>();
            for (Draw d : draws) {
                scored.add(score(d));
            }
            out.add(choose(scored));
        }
        return out;
    }

    /** Re-scores candidates with another verifier (no new sampling): for comparing verifiers on one draw. */
    public static Result rescore(Result r, Reward other) {
        List<Candidate> scored = new ArrayList<>();
        for (Candidate c : r.candidates()) {
            scored.add(c.clip() == null ? c : withReward(c, other));
        }
        return choose(scored);
    }

    /** The highest total wins; ties go to the lower index. */
    static Result choose(List<Candidate> scored) {
        Candidate best = null;
        for (Candidate c : scored) {
            if (best == null || c.total() > best.total()) {
                best = c;
            }
        }
        return new Result(best, scored);
    }

    /** A sampled, not yet scored candidate. */
    private record Draw(Query query, int index, long seed, int[] prefix, int[] tokens, String error) {}

    private Candidate score(Draw d) {
        if (d.error() != null) {
            return new Candidate(d.index(), d.seed(), d.prefix(), d.tokens(), null, null, d.error());
        }
        ScoringInput clip;
        try {
            clip = decoder.decode(d.query().task(), d.query().prompt(), d.prefix(), d.tokens());
        } catch (ScoringException e) {
            return new Candidate(d.index(), d.seed(), d.prefix(), d.tokens(), null, null, e.getMessage());
        }
        return withReward(new Candidate(d.index(), d.seed(), d.prefix(), d.tokens(), clip, null, null), verifier);
    }

    private static Candidate withReward(Candidate c, Reward r) {
        try {
            return new Candidate(c.index(), c.seed(), c.prefix(), c.tokens(), c.clip(), r.score(c.clip()), null);
        } catch (ScoringException e) {
            return new Candidate(c.index(), c.seed(), c.prefix(), c.tokens(), c.clip(), null, e.getMessage());
        }
    }

    /** Samples every candidate through one engine with continuous batching. */
    private List<List<Draw>> sampleAll(List<Query> queries, int n) {
        Map<String, List<Integer>> tokens = new HashMap<>();
        Map<String, SampleRequest> requests = new HashMap<>();
        Deque<SampleRequest> waiting = new ArrayDeque<>();
        for (int q = 0; q < queries.size(); q++) {
            Query query = queries.get(q);
            for (int i = 0; i < n; i++) {
                String id = q + "#" + i;
                SamplingConfig s = query.sampling().withSeed(seedOf(query.sampling().seed(), i));
                SampleRequest r = generator.sampleRequest(id, query.task(), query.prompt(), query.conditioningFrames(),
                        query.conditioningAudio(), query.frames(), s, System.nanoTime());
                requests.put(id, r);
                waiting.add(r);
                tokens.put(id, new ArrayList<>());
            }
        }
        Map<String, FinishReason> finished = new HashMap<>();
        TokenListener listener = new TokenListener() {
            @Override
            public void onToken(String sampleId, int position, int token, float logprob, long policyVersion) {
                tokens.get(sampleId).add(token);
            }

            @Override
            public void onFinished(String sampleId, FinishReason reason, SampleTimings timings) {
                finished.put(sampleId, reason);
            }
        };
        try (GenerationEngine e = generator.newEngine(engine)) {
            while (!waiting.isEmpty() || e.admitted() > 0) {
                while (!waiting.isEmpty() && e.submit(waiting.peek(), listener) == Admission.ACCEPTED) {
                    waiting.pop();
                }
                e.step();
            }
        }
        List<List<Draw>> out = new ArrayList<>();
        for (int q = 0; q < queries.size(); q++) {
            List<Draw> list = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = q + "#" + i;
                int[] t = tokens.get(id).stream().mapToInt(Integer::intValue).toArray();
                SampleRequest r = requests.get(id);
                list.add(new Draw(queries.get(q), i, r.sampling().seed(), r.prefix(), t,
                        finished.get(id) == FinishReason.ERROR ? "generation failed" : null));
            }
            out.add(list);
        }
        return out;
    }
}
