package io.tessera.media;

/**
 * Sample-rate conversion of mono PCM. {@link #sinc} is the default (band-limited, no aliasing when downsampling);
 * {@link #linear} is cheap and fine for upsampling speech-band audio. Output length is
 * {@code round(n * toRate / fromRate)}; output sample j sits at input time {@code j * fromRate / toRate}.
 */
public final class Resample {

  /** Half-width of the windowed-sinc kernel in input samples (at the narrower of the two bandwidths). */
  static final int SINC_HALF_WIDTH = 16;

  private Resample() {}

  /** Windowed-sinc resampling (the default). */
  public static float[] to(float[] in, int fromRate, int toRate) {
    return sinc(in, fromRate, toRate);
  }

  /** Linear interpolation between neighbouring input samples. */
  public static float[] linear(float[] in, int fromRate, int toRate) {
    check(in, fromRate, toRate);
    if (fromRate == toRate || in.length == 0) {
      return in.clone();
    }
    int n = outLength(in.length, fromRate, toRate);
    float[] out = new float[n];
    double step = fromRate / (double) toRate;
    for (int j = 0; j < n; j++) {
      double t = j * step;
      int i = (int) t;
      double frac = t - i;
      float a = in[Math.min(i, in.length - 1)];
      float b = in[Math.min(i + 1, in.length - 1)];
      out[j] = (float) (a + (b - a) * frac);
    }
    return out;
  }

  /**
   * Band-limited interpolation: a sinc low-pass at the lower of the two Nyquist frequencies, Blackman-windowed to
   * {@value #SINC_HALF_WIDTH} zero crossings each side. Samples past the ends count as silence.
   */
  public static float[] sinc(float[] in, int fromRate, int toRate) {
    check(in, fromRate, toRate);
    if (fromRate == toRate || in.length == 0) {
      return in.clone();
    }
    int n = outLength(in.length, fromRate, toRate);
    float[] out = new float[n];
    double step = fromRate / (double) toRate;          // input samples per output sample
    double cutoff = Math.min(1.0, toRate / (double) fromRate);   // fraction of the input Nyquist kept
    double halfWidth = SINC_HALF_WIDTH / cutoff;        // kernel half-width in input samples
    for (int j = 0; j < n; j++) {
      double t = j * step;
      int lo = (int) Math.ceil(t - halfWidth);
      int hi = (int) Math.floor(t + halfWidth);
      double acc = 0;
      for (int i = Math.max(lo, 0); i <= Math.min(hi, in.length - 1); i++) {
        double x = i - t;                               // distance in input samples
        acc += in[i] * cutoff * sincPi(cutoff * x) * blackman(x / halfWidth);
      }
      out[j] = (float) acc;
    }
    return out;
  }

  static int outLength(int n, int fromRate, int toRate) {
    return (int) Math.round(n * (double) toRate / fromRate);
  }

  /** sin(pi x) / (pi x). */
  private static double sincPi(double x) {
    if (Math.abs(x) < 1e-9) {
      return 1.0;
    }
    double px = Math.PI * x;
    return Math.sin(px) / px;
  }

  /** Blackman window on u in [-1, 1] (1 at the centre, 0 at the edges). */
  private static double blackman(double u) {
    if (Math.abs(u) >= 1) {
      return 0;
    }
    double a = Math.PI * (u + 1);                       // 0 .. 2pi across the window
    return 0.42 - 0.5 * Math.cos(a) + 0.08 * Math.cos(2 * a);
  }

  private static void check(float[] in, int fromRate, int toRate) {
    if (in == null) {
      throw new IllegalArgumentException("samples is null");
    }
    if (fromRate <= 0 || toRate <= 0) {
      throw new IllegalArgumentException("sample rates must be > 0, got " + fromRate + " -> " + toRate);
    }
  }
}
