package io.tessera.generator.tokenize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Weighted k-means (k-means++ seeding, then Lloyd iterations), a deterministic function of the data
 * order and the seed. Points are rows of {@code x} (n, d); {@code w} (n) are multiplicities, so
 * duplicate points can be collapsed before training.
 */
final class KMeans {

    private KMeans() {}

    /**
     * Training points with duplicates collapsed into weights, in first-seen order (so a fit stays a
     * deterministic function of the data order and the seed).
     */
    static final class Points {
        private final Map<String, Integer> index = new HashMap<>();
        private final List<float[]> distinct = new ArrayList<>();
        private final List<Double> counts = new ArrayList<>();

        /** Counts {@code v} once more; a copy is kept the first time it is seen. */
        void add(float[] v) {
            String key = Arrays.toString(v);
            Integer at = index.get(key);
            if (at == null) {
                index.put(key, distinct.size());
                distinct.add(v.clone());
                counts.add(1.0);
            } else {
                counts.set(at, counts.get(at) + 1);
            }
        }

        /** {@link KMeans#fit} on the distinct points, weighted by how often each was added. */
        float[][] fit(int k, int maxIter, long seed) {
            double[] w = counts.stream().mapToDouble(Double::doubleValue).toArray();
            return KMeans.fit(distinct.toArray(new float[0][]), w, k, maxIter, seed);
        }
    }

    /** Returns k centroids (k, d); when there are fewer distinct points than k, the rest repeat. */
    static float[][] fit(float[][] x, double[] w, int k, int maxIter, long seed) {
        int n = x.length;
        if (n == 0) {
            throw new IllegalArgumentException("k-means needs at least one point");
        }
        int d = x[0].length;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] c = new float[k][];
        double[] nearest = new double[n];
        Arrays.fill(nearest, Double.MAX_VALUE);
        c[0] = x[pick(w, null, rnd)].clone();
        for (int j = 1; j < k; j++) {
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], dist(x[i], c[j - 1]));
            }
            int p = pick(w, nearest, rnd);
            c[j] = x[p < 0 ? rnd.nextInt(n) : p].clone();
        }
        int[] assign = new int[n];
        Arrays.fill(assign, -1);
        for (int it = 0; it < maxIter; it++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int a = nearestIndex(c, x[i]);
                if (a != assign[i]) {
                    assign[i] = a;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
            double[][] sum = new double[k][d];
            double[] mass = new double[k];
            for (int i = 0; i < n; i++) {
                double[] s = sum[assign[i]];
                for (int t = 0; t < d; t++) {
                    s[t] += w[i] * x[i][t];
                }
                mass[assign[i]] += w[i];
            }
            for (int j = 0; j < k; j++) {
                if (mass[j] > 0) {
                    for (int t = 0; t < d; t++) {
                        c[j][t] = (float) (sum[j][t] / mass[j]);
                    }
                }
            }
        }
        return c;
    }

    /** Index of the centroid nearest to v (squared L2; ties to the lower index). */
    static int nearestIndex(float[][] c, float[] v) {
        int best = 0;
        double bestD = Double.MAX_VALUE;
        for (int j = 0; j < c.length; j++) {
            double dd = distBounded(v, c[j], bestD);
            if (dd < bestD) {
                bestD = dd;
                best = j;
            }
        }
        return best;
    }

    static double dist(float[] a, float[] b) {
        double s = 0;
        for (int t = 0; t < a.length; t++) {
            double e = a[t] - b[t];
            s += e * e;
        }
        return s;
    }

    /** Squared distance, giving up once it passes {@code bound}. */
    private static double distBounded(float[] a, float[] b, double bound) {
        double s = 0;
        for (int t = 0; t < a.length; t++) {
            double e = a[t] - b[t];
            s += e * e;
            if (s >= bound) {
                return s;
            }
        }
        return s;
    }

    /** Draws an index with probability w[i] * (nearest[i] if given); -1 when all are zero. */
    private static int pick(double[] w, double[] nearest, SplittableRandom rnd) {
        double total = 0;
        for (int i = 0; i < w.length; i++) {
            total += w[i] * (nearest == null ? 1 : nearest[i]);
        }
        if (total <= 0) {
            return -1;
        }
        double r = rnd.nextDouble() * total;
        for (int i = 0; i < w.length; i++) {
            r -= w[i] * (nearest == null ? 1 : nearest[i]);
            if (r < 0) {
                return i;
            }
        }
        return w.length - 1;
    }
}
