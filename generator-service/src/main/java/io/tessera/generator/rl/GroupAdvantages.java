package io.tessera.generator.rl;

/**
 * GRPO's group-normalised advantage over the samples of one prompt:
 * {@code A_i = (r_i - mean(r)) / (std(r) + eps)}, std the population standard deviation. A group of one,
 * or one whose rewards are all equal, carries no signal: every advantage is 0.
 */
public final class GroupAdvantages {

    private GroupAdvantages() {}

    /** (n) rewards of one group -> (n) advantages. */
    public static double[] of(double[] rewards, double eps) {
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("eps must be > 0, got " + eps);
        }
        int n = rewards.length;
        double[] a = new double[n];
        if (n < 2) {
            return a;
        }
        double mean = 0;
        for (double r : rewards) {
            if (!Double.isFinite(r)) {
                throw new IllegalArgumentException("reward is not finite: " + r);
            }
            mean += r;
        }
        mean /= n;
        double var = 0;
        for (double r : rewards) {
            var += (r - mean) * (r - mean);
        }
        double std = Math.sqrt(var / n);
        if (std == 0) {
            return a;
        }
        for (int i = 0; i < n; i++) {
            a[i] = (rewards[i] - mean) / (std + eps);
        }
        return a;
    }
}
