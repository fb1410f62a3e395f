package io.tessera.generator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The weight matmuls of a decode step and nothing else: {@code x @ W} for every weight matrix a token passes through
 * (per layer wqkv, wo, w13 and w2, then the output projection), with the rows split into row ranges side by side as
 * {@link KvCache#decode} splits them. {@code bench engine} times them at one row and at the full batch: their ratio
 * is how much batching speeds up the work that grows with the rows on this machine. Attention and sampling grow
 * with the rows too; what lifts the engine's speedup above this ratio (on the 2-vCPU build machine, ~7x against
 * 4-5x) is the fixed cost per op, which a step at batch 1 pays for a single token.
 */
public final class WeightMatmuls {
    private WeightMatmuls() {}

    /** Seconds per step of the weight matmuls for {@code rows} rows in up to {@code maxShards} ranges, after a warm-up. */
    public static double secondsPerStep(Policy policy, int rows, int maxShards, int steps) {
        if (rows < 1 || steps < 1) {
            throw new IllegalArgumentException("rows and steps must be >= 1, got " + rows + " and " + steps);
        }
        int shards = Shards.count(rows, policy.device().isGpu() ? 1 : maxShards);
        Shards.run(ranges(policy, rows, shards, Math.max(1, steps / 4))); // warm-up: allocator arenas, first-touch pages
        long t0 = System.nanoTime();
        Shards.run(ranges(policy, rows, shards, steps));
        return (System.nanoTime() - t0) / 1e9 / steps;
    }

    private static List<Callable<Void>> ranges(Policy policy, int rows, int shards, int steps) {
        List<Callable<Void>> pieces = new ArrayList<>(shards);
        for (int i = 0; i < shards; i++) {
            int n = Shards.start(i + 1, shards, rows) - Shards.start(i, shards, rows);
            pieces.add(() -> {
                run(policy, n, steps);
                return null;
            });
        }
        return pieces;
    }

    /** {@code steps} passes of one row range of {@code n} rows through every weight matrix, on this thread. */
    private static void run(Policy policy, int n, int steps) {
        ModelConfig c = policy.config();
        Weights w = policy.weights();
        try (NDManager range = NDManager.newBaseManager(policy.device(), ComputeDevice.ENGINE)) {
            NDArray x = range.randomNormal(new Shape(n, c.dim())); // (n, D): input of wqkv, wo, w13 and output
            NDArray hidden = range.randomNormal(new Shape(n, c.ffnHidden())); // (n, F): input of w2
            for (int s = 0; s < steps; s++) {
                try (NDManager step = range.newSubManager()) {
                    for (int l = 0; l < c.layers(); l++) {
                        x.matMul(w.wqkv[l]).attach(step);
                        x.matMul(w.wo[l]).attach(step);
                        x.matMul(w.w13[l]).attach(step);
                        hidden.matMul(w.w2[l]).attach(step);
                    }
                    x.matMul(w.output).attach(step);
                }
            }
        }
    }
}
