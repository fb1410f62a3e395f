package io.tessera.generator.engine;

import io.tessera.generator.model.ModelConfig;
import io.tessera.generator.model.Policy;
import io.tessera.generator.model.Shards;
import io.tessera.generator.model.WeightMatmuls;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code bench engine}: tokens/s of the engine at batch 1, 8 and 32 on the default architecture with
 * random weights, each against generating the same requests one at a time (batch 1), as ratios. It
 * also checks that every batch size produced the same tokens as one-at-a-time. Each batch size is run
 * once untimed first (warm-up), so the figures are the engine's steady state, and each figure is the median
 * of {@code --repeats} timed passes. The engine runs with {@link EngineConfig#DEFAULT}'s
 * {@code decodeShards}. Then the weight matmuls alone ({@link WeightMatmuls}) at batch 1 and 32: what batching can
 * share on this machine. Last line: {@code batch32_speedup=<x>}.
 *
 * <p>Options: {@code --requests N} (32), {@code --prefix N} (32 tokens), {@code --new-tokens N} (64),
 * {@code --vocab N} (2400), {@code --seed N} (1), {@code --repeats N} (3).
 */
public final class EngineBenchmark {
    /** Batch sizes measured against one at a time (batch 32 gives the last line). */
    private static final int[] BATCHED = {8, 32};

    private EngineBenchmark() {}

    public static void main(String[] args) {
        run(args, System.out);
    }

    /** Runs the benchmark, printing to {@code out}; returns the batch-32 speedup. */
    public static double run(String[] args, PrintStream out) {
        Map<String, Integer> opt = parse(args);
        int requests = opt.getOrDefault("requests", 32);
        int prefixLen = opt.getOrDefault("prefix", 32);
        int newTokens = opt.getOrDefault("new-tokens", 64);
        int vocab = opt.getOrDefault("vocab", 2400);
        long seed = opt.getOrDefault("seed", 1);
        int repeats = opt.getOrDefault("repeats", 3);
        ModelConfig cfg = ModelConfig.defaults(vocab, -1);
        out.printf("engine benchmark: model d=%d layers=%d heads=%d vocab=%d (%,d params, random weights), "
                        + "%d requests x (%d prefix + %d new tokens), %d cores, steps in up to %d row ranges at once "
                        + "(>= %d rows each), median of %d timed passes per batch size, GLIBC_TUNABLES %s%n",
                cfg.dim(), cfg.layers(), cfg.heads(), vocab, cfg.parameterCount(), requests, prefixLen, newTokens,
                Runtime.getRuntime().availableProcessors(), EngineConfig.DEFAULT.decodeShards(), Shards.MIN_ROWS,
                repeats,
                System.getenv("GLIBC_TUNABLES") == null ? "unset" : "set");
        List<SampleRequest> reqs = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < requests; i++) {
            int[] prefix = rnd.ints(prefixLen, 0, vocab).toArray();
            reqs.add(new SampleRequest("r" + i, prefix, null, newTokens, TokenGrammar.unconstrained(vocab),
                    new SamplingConfig(1f, 0, 1f, 1f, seed * 1000 + i), 0L));
        }
        try (Policy policy = Policy.randomInit(cfg, seed)) {
            int maxSeq = prefixLen + newTokens + 1;
            // Warm-up at every batch size first: the first pass at a new batch shape pays for the allocator
            // growing its arenas and for first-touch page faults (a cold batch-32 prefill took 3.7x as long
            // as a warm one), which a long-running engine pays once. The timed passes then measure steady state.
            measure(policy, reqs.subList(0, Math.min(4, requests)), 1, maxSeq);
            for (int batch : BATCHED) {
                measure(policy, reqs, batch, maxSeq);
            }
            Result one = median(policy, reqs, 1, maxSeq, repeats);
            out.printf("batch  1: %8.1f tokens/s  (%.1f s; %.1f tokens per CPU-second; one request at a time)%n",
                    one.tokensPerSecond(), one.seconds, one.tokensPerCpuSecond());
            double speedup32 = 1;
            for (int batch : BATCHED) {
                Result r = median(policy, reqs, batch, maxSeq, repeats);
                int same = 0;
                for (String id : one.tokens.keySet()) {
                    same += Arrays.equals(one.tokens.get(id), r.tokens.get(id)) ? 1 : 0;
                }
                double ratio = r.tokensPerSecond() / one.tokensPerSecond();
                out.printf("batch %2d: %8.1f tokens/s  (%.1f s; %.1f tokens per CPU-second, %.2fx)  speedup vs one at a "
                                + "time %.2fx  identical tokens %d/%d%n", batch, r.tokensPerSecond(), r.seconds,
                        r.tokensPerCpuSecond(), r.tokensPerCpuSecond() / one.tokensPerCpuSecond(), ratio, same, requests);
                if (batch == 32) {
                    speedup32 = ratio;
                }
            }
            printWeightMatmuls(policy, out);
            out.printf("batch32_speedup=%.2f%n", speedup32);
            return speedup32;
        }
    }

    /**
     * The same comparison for the weight matmuls alone ({@link WeightMatmuls}): the share of a step that batching
     * can speed up, on this machine. Median of three timings at each size.
     */
    private static void printWeightMatmuls(Policy policy, PrintStream out) {
        int rows = BATCHED[BATCHED.length - 1];
        int shards = EngineConfig.DEFAULT.decodeShards();
        double[] one = new double[3];
        double[] batched = new double[3];
        for (int i = 0; i < 3; i++) {
            one[i] = WeightMatmuls.secondsPerStep(policy, 1, 1, 400);
            batched[i] = WeightMatmuls.secondsPerStep(policy, rows, shards, 100);
        }
        Arrays.sort(one);
        Arrays.sort(batched);
        out.printf("weight matmuls alone (x @ W through every weight matrix, no attention, norms or sampling): batch 1 "
                        + "%.0f us a step, batch %d %.0f us (in the engine's row ranges): %.2fx the tokens/s, for the "
                        + "part of a step that batching shares; a step's fixed cost per op is paid per token at batch 1%n",
                one[1] * 1e6, rows, batched[1] * 1e6, rows * one[1] / batched[1]);
    }

    private record Result(double seconds, double cpuSeconds, long tokenCount, Map<String, int[]> tokens) {
        double tokensPerSecond() {
            return tokenCount / seconds;
        }

        /** Tokens per second of process CPU time: a steadier figure when other processes share the cores. */
        double tokensPerCpuSecond() {
            return cpuSeconds > 0 ? tokenCount / cpuSeconds : Double.NaN;
        }
    }

    private static double processCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return -1;
    }

    /**
     * The pass with the median tokens/s of {@code repeats} timed passes: one pass of a large batch lasts about a
     * second, where another process on a shared machine moves a single figure by 10-20 %. Every pass must give the
     * same tokens (the engine is deterministic), which the caller checks on the returned one.
     */
    private static Result median(Policy policy, List<SampleRequest> reqs, int batch, int maxSeq, int repeats) {
        List<Result> passes = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            Result r = measure(policy, reqs, batch, maxSeq);
            if (!passes.isEmpty() && !sameTokens(passes.get(0), r)) {
                throw new IllegalStateException(
                        "batch " + batch + ": two passes over the same requests gave different tokens");
            }
            passes.add(r);
        }
        passes.sort(java.util.Comparator.comparingDouble(Result::tokensPerSecond));
        return passes.get(passes.size() / 2);
    }

    private static boolean sameTokens(Result a, Result b) {
        return a.tokens.keySet().equals(b.tokens.keySet())
                && a.tokens.keySet().stream().allMatch(id -> Arrays.equals(a.tokens.get(id), b.tokens.get(id)));
    }

    private static Result measure(Policy policy, List<SampleRequest> reqs, int batch, int maxSeq) {
        Map<String, List<Integer>> got = new HashMap<>();
        TokenListener listener = new TokenListener() {
            @Override
            public void onToken(String sampleId, int position, int token, float logprob, long policyVersion) {
                got.computeIfAbsent(sampleId, k -> new ArrayList<>()).add(token);
            }

            @Override
            public void onFinished(String sampleId, FinishReason reason, SampleTimings timings) {
                if (reason != FinishReason.LENGTH) {
                    throw new IllegalStateException(sampleId + " finished with " + reason);
                }
            }
        };
        long t0 = System.nanoTime();
        double cpu0 = processCpuSeconds();
        EngineConfig config = new EngineConfig(batch, reqs.size(), maxSeq, EngineConfig.DEFAULT_SWAP_PREFILL_TOKENS,
                EngineConfig.DEFAULT.decodeShards());
        try (GenerationEngine engine = new GenerationEngine(policy, config)) {
            for (SampleRequest r : reqs) {
                if (engine.submit(r, listener) != Admission.ACCEPTED) {
                    throw new IllegalStateException("engine refused " + r.sampleId());
                }
            }
            while (engine.admitted() > 0) {
                engine.step();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = processCpuSeconds() - cpu0;
        Map<String, int[]> tokens = new HashMap<>();
        long count = 0;
        for (Map.Entry<String, List<Integer>> e : got.entrySet()) {
            tokens.put(e.getKey(), e.getValue().stream().mapToInt(Integer::intValue).toArray());
            count += e.getValue().size();
        }
        return new Result(seconds, cpuSeconds, count, tokens);
    }

    private static Map<String, Integer> parse(String[] args) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: bench engine [--requests N] [--prefix N] [--new-tokens N] "
                        + "[--vocab N] [--seed N] [--repeats N]; got '" + args[i] + "'");
            }
            String key = args[i].substring(2);
            if (!List.of("requests", "prefix", "new-tokens", "vocab", "seed", "repeats").contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key);
            }
            try {
                int v = Integer.parseInt(args[++i]);
                if (v < 1) {
                    throw new IllegalArgumentException("--" + key + " must be >= 1, got " + v);
                }
                m.put(key, v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + key + " needs an integer, got '" + args[i] + "'");
            }
        }
        return m;
    }
}
