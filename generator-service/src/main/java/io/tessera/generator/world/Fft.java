package io.tessera.generator.world;

/** In-place iterative radix-2 complex FFT; small and allocation-free for the sizes audio code uses. */
public final class Fft {

    private Fft() {}

    /** Forward transform of (re, im), both of a power-of-two length n. */
    public static void forward(double[] re, double[] im) {
        int n = re.length;
        if (Integer.bitCount(n) != 1 || im.length != n) {
            throw new IllegalArgumentException("FFT length must be a power of two, got " + n);
        }
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double ang = -2 * Math.PI / len;
            double wr = Math.cos(ang);
            double wi = Math.sin(ang);
            for (int i = 0; i < n; i += len) {
                double cr = 1;
                double ci = 0;
                for (int k = 0; k < len / 2; k++) {
                    int a = i + k;
                    int b = a + len / 2;
                    double tr = re[b] * cr - im[b] * ci;
                    double ti = re[b] * ci + im[b] * cr;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                    double ncr = cr * wr - ci * wi;
                    ci = cr * wi + ci * wr;
                    cr = ncr;
                }
            }
        }
    }

    /** Magnitudes of bins [0, n/2) of a real signal segment, windowed by {@code window} and zero-padded to n. */
    public static double[] magnitudes(float[] x, int from, double[] window, int n) {
        double[] re = new double[n];
        double[] im = new double[n];
        for (int i = 0; i < window.length && from + i < x.length; i++) {
            re[i] = from + i >= 0 ? x[from + i] * window[i] : 0;
        }
        forward(re, im);
        double[] mag = new double[n / 2];
        for (int k = 0; k < n / 2; k++) {
            mag[k] = Math.hypot(re[k], im[k]);
        }
        return mag;
    }

    /** A periodic Hann window of length m. */
    public static double[] hann(int m) {
        double[] w = new double[m];
        for (int i = 0; i < m; i++) {
            w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / m);
        }
        return w;
    }
}
