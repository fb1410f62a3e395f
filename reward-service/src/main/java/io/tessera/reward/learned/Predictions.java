package io.tessera.reward.learned;

/**
 * The network's probabilities for each consecutive frame pair of a clip.
 *
 * @param presence  [pair][colour] P(an object of this colour is in the pair)
 * @param shape     [pair][colour][shape] P(shape | colour), shapes in {@code Shape} order
 * @param direction [pair][colour][motion] P(moved this way between the two frames | colour), {@code Motion} order
 */
record Predictions(double[][] presence, double[][][] shape, double[][][] direction) {

    int pairs() {
        return presence.length;
    }

    /** Mean presence of a colour over all pairs. */
    double presence(int colour) {
        double s = 0;
        for (double[] p : presence) {
            s += p[colour];
        }
        return s / presence.length;
    }

    /** Mean P(shape | colour) over all pairs. */
    double shape(int colour, int shape) {
        double s = 0;
        for (double[][] p : this.shape) {
            s += p[colour][shape];
        }
        return s / this.shape.length;
    }

    /** Mean P(direction | colour) over the first {@code steps} pairs (the initial movement). */
    double initialDirection(int colour, int motion, int steps) {
        int n = Math.min(steps, direction.length);
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += direction[i][colour][motion];
        }
        return s / n;
    }
}
