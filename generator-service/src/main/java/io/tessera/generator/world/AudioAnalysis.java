package io.tessera.generator.world;

/**
 * The audio measurements the detector and the audio tokenizer share. A frame's audio is
 * {@link World#SAMPLES_PER_FRAME} samples: its first {@link #ONSET} samples are where a bounce click
 * lives; the rest is the steady part where tones are measured.
 */
public final class AudioAnalysis {
    /** Samples at the start of a frame examined for a click. */
    public static final int ONSET = 256;
    /** FFT size for tones: 16000 / 2048 = 7.8125 Hz per bin; every shape's tone sits on a bin centre. */
    public static final int TONE_FFT = 2048;
    /** Steady part of a frame: samples [ONSET, SAMPLES_PER_FRAME). */
    public static final int STEADY = World.SAMPLES_PER_FRAME - ONSET;
    /** Clicks are measured above this frequency, far above the highest tone. */
    public static final double CLICK_BAND_HZ = 4000;
    /** A tone is heard when its amplitude is at least this share of one object's tone amplitude. */
    public static final double TONE_PRESENT = 0.4;
    /** A click is heard when onset high-band energy exceeds this multiple of the steady part's. */
    public static final double CLICK_RATIO = 8;
    /** ... and this absolute share of a full click's high-band energy. */
    public static final double CLICK_FLOOR = 0.05;

    private static final double[] STEADY_WINDOW = Fft.hann(STEADY);
    private static final double[] RECT = rect(ONSET);
    private static final double FULL_CLICK = referenceClickEnergy();

    private AudioAnalysis() {}

    /** Magnitude spectrum (TONE_FFT/2 bins, Hann) of frame f's steady part. */
    public static double[] steadySpectrum(float[] audio, int frame) {
        return Fft.magnitudes(audio, frame * World.SAMPLES_PER_FRAME + ONSET, STEADY_WINDOW, TONE_FFT);
    }

    /** Amplitude of a sinusoid whose Hann-windowed peak magnitude is {@code mag}. */
    public static double amplitudeOfPeak(double mag) {
        return 2 * mag / (STEADY / 2.0);
    }

    /** Estimated amplitude of a shape's tone in frame f (two objects of one shape read ~2x). */
    public static double toneAmplitude(float[] audio, int frame, Shape shape) {
        double[] mag = steadySpectrum(audio, frame);
        int bin = (int) Math.round(shape.toneHz() * TONE_FFT / World.SAMPLE_RATE);
        return amplitudeOfPeak(mag[bin]);
    }

    /** Mean energy above {@link #CLICK_BAND_HZ} in the ONSET samples starting at {@code from}. */
    public static double highBandEnergy(float[] audio, int from) {
        double[] mag = Fft.magnitudes(audio, from, RECT, ONSET);
        int lo = (int) (CLICK_BAND_HZ * ONSET / World.SAMPLE_RATE);
        double e = 0;
        for (int k = lo; k < mag.length; k++) {
            e += mag[k] * mag[k];
        }
        return e / ONSET;
    }

    /** Onset high-band energy of frame f relative to a full world click (1 = one click, 0 = none). */
    public static double clickStrength(float[] audio, int frame) {
        return highBandEnergy(audio, frame * World.SAMPLES_PER_FRAME) / FULL_CLICK;
    }

    /** Whether frame f starts with a click: strong onset energy, well above the frame's steady part. */
    public static boolean hasClick(float[] audio, int frame) {
        int start = frame * World.SAMPLES_PER_FRAME;
        double onset = highBandEnergy(audio, start);
        double steady = highBandEnergy(audio, start + World.SAMPLES_PER_FRAME / 2);
        return onset > CLICK_FLOOR * FULL_CLICK && onset > CLICK_RATIO * steady;
    }

    /** The world's click waveform at amplitude 1 (a fixed noise pattern, decaying over 10 ms). */
    public static float[] unitClick() {
        java.util.SplittableRandom noise = new java.util.SplittableRandom(0xC11CL);
        float[] c = new float[World.CLICK_SAMPLES];
        for (int k = 0; k < c.length; k++) {
            c[k] = (float) (Math.exp(-k / 40.0) * (noise.nextDouble() * 2 - 1));
        }
        return c;
    }

    /** High-band energy of {@link #unitClick()} scaled to the world's click amplitude. */
    private static double referenceClickEnergy() {
        float[] c = unitClick();
        float[] x = new float[ONSET];
        for (int k = 0; k < c.length; k++) {
            x[k] = c[k] * World.CLICK_AMPLITUDE;
        }
        return highBandEnergy(x, 0);
    }

    private static double[] rect(int m) {
        double[] w = new double[m];
        java.util.Arrays.fill(w, 1.0);
        return w;
    }
}
