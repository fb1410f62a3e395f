package io.tessera.generator.tokenize;

import io.tessera.generator.world.AudioAnalysis;
import io.tessera.generator.world.World;
import io.tessera.media.Resample;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The shipped audio tokenizer: one code per video frame (2000 samples at 16 kHz, 8 codes per
 * second). A frame's feature is the log-magnitude spectrum of its steady part (1024 bins of 7.8 Hz)
 * plus the log high-band energy of its onset (where a bounce click lives); codes are k-means
 * centroids of those features, code 0 reserved for silence. Decoding is a sinusoidal resynthesis:
 * each spectral peak of the centroid becomes a sinusoid whose phase runs on the clip's clock (so a
 * tone held over frames stays continuous), frames cross-fade over {@link #CROSSFADE} samples, and a
 * centroid with onset energy adds the world's click at the frame's first sample.
 */
public final class AudioTokenizer {
    public static final int TOKENS_PER_FRAME = 1;
    public static final int DEFAULT_CODES = 64;
    /** Log-magnitude floor, ~-45 dB below one object's tone peak: window sidelobes (which move with the tone's phase) stay under it. */
    static final double FLOOR = 0.5;
    /** Onset energy is compared on a log scale with this floor (share of a full click). */
    static final double CLICK_FLOOR = 1e-3;
    /** Weight of the onset feature against the 1024 spectral ones. */
    static final float CLICK_WEIGHT = 12f;
    /** A frame quieter than this RMS is silence (code 0). */
    static final double SILENCE_RMS = 1e-4;
    /** Sinusoids below this amplitude are not resynthesised. */
    static final double MIN_PEAK_AMPLITUDE = 0.004;
    static final int MAX_PEAKS = 24;
    static final int CROSSFADE = 64;
    /** Training features are rounded to this (log10 units: 2 dB) before clustering. */
    static final double QUANTUM = 0.1;
    static final int BINS = AudioAnalysis.TONE_FFT / 2;
    private static final int MAGIC = 0x54415431; // "TAT1"

    private final float[][] centroids; // (codes, BINS + 1): log10 magnitudes, then weighted log10 onset

    AudioTokenizer(float[][] centroids) {
        this.centroids = centroids;
    }

    public int codebookSize() {
        return centroids.length;
    }

    public int tokensPerFrame() {
        return TOKENS_PER_FRAME;
    }

    /** One code per whole or partial frame of 16 kHz audio. */
    public int[] encode(float[] pcm16k) {
        if (pcm16k == null) {
            throw new IllegalArgumentException("audio is null");
        }
        int frames = (pcm16k.length + World.SAMPLES_PER_FRAME - 1) / World.SAMPLES_PER_FRAME;
        float[] padded = java.util.Arrays.copyOf(pcm16k, frames * World.SAMPLES_PER_FRAME);
        int[] codes = new int[frames];
        for (int f = 0; f < frames; f++) {
            float[] feature = feature(padded, f);
            codes[f] = feature == null ? 0 : 1 + KMeans.nearestIndex(learned(), feature);
        }
        return codes;
    }

    /** Any sample rate; resampled to 16 kHz first. */
    public int[] encode(float[] pcm, int sampleRate) {
        return encode(Resample.to(pcm, sampleRate, World.SAMPLE_RATE));
    }

    private float[][] learned() {
        return java.util.Arrays.copyOfRange(centroids, 1, centroids.length);
    }

    /** The feature of frame f, or null when the frame is silent. */
    static float[] feature(float[] audio, int f) {
        int start = f * World.SAMPLES_PER_FRAME;
        double ss = 0;
        for (int i = start; i < start + World.SAMPLES_PER_FRAME; i++) {
            ss += audio[i] * audio[i];
        }
        if (Math.sqrt(ss / World.SAMPLES_PER_FRAME) < SILENCE_RMS) {
            return null;
        }
        double[] mag = AudioAnalysis.steadySpectrum(audio, f);
        float[] v = new float[BINS + 1];
        for (int k = 0; k < BINS; k++) {
            v[k] = (float) Math.log10(mag[k] + FLOOR);
        }
        double click = AudioAnalysis.clickStrength(audio, f);
        v[BINS] = (float) (CLICK_WEIGHT * Math.log10(click + CLICK_FLOOR));
        return v;
    }

    public float[] decode(int[] codes) {
        if (codes == null) {
            throw new IllegalArgumentException("audio codes are null");
        }
        int spf = World.SAMPLES_PER_FRAME;
        float[] out = new float[codes.length * spf];
        float[] click = AudioAnalysis.unitClick();
        for (int f = 0; f < codes.length; f++) {
            int code = codes[f];
            if (code < 0 || code >= centroids.length) {
                throw new IllegalArgumentException("audio code " + code + " outside [0, " + centroids.length + ")");
            }
            if (code == 0) {
                continue;
            }
            float[] c = centroids[code];
            int start = f * spf;
            int from = f == 0 ? 0 : start - CROSSFADE / 2;
            int to = f == codes.length - 1 ? out.length : start + spf + CROSSFADE / 2;
            for (double[] peak : peaks(c)) {
                double w = 2 * Math.PI * peak[0] / World.SAMPLE_RATE;
                for (int t = from; t < to; t++) {
                    out[t] += (float) (fade(t, start, f == 0, f == codes.length - 1) * peak[1] * Math.sin(w * t));
                }
            }
            double strength = Math.pow(10, c[BINS] / CLICK_WEIGHT) - CLICK_FLOOR;
            if (strength > AudioAnalysis.CLICK_FLOOR) {
                float gain = (float) (World.CLICK_AMPLITUDE * Math.sqrt(strength));
                for (int k = 0; k < click.length; k++) {
                    out[start + k] += gain * click[k];
                }
            }
        }
        return out;
    }

    /** Trapezoid weight of a frame starting at {@code start}; neighbouring weights sum to one. */
    private static double fade(int t, int start, boolean first, boolean last) {
        int end = start + World.SAMPLES_PER_FRAME;
        double half = CROSSFADE / 2.0;
        double up = first ? 1 : Math.min(1, Math.max(0, (t - (start - half) + 0.5) / CROSSFADE));
        double down = last ? 1 : Math.min(1, Math.max(0, ((end + half) - t - 0.5) / CROSSFADE));
        return Math.min(up, down);
    }

    /** {frequency Hz, amplitude} of the centroid's spectral peaks, loudest first. */
    static List<double[]> peaks(float[] c) {
        List<double[]> out = new ArrayList<>();
        for (int k = 1; k < BINS - 1; k++) {
            if (c[k] > c[k - 1] && c[k] >= c[k + 1]) {
                double amp = AudioAnalysis.amplitudeOfPeak(Math.pow(10, c[k]) - FLOOR);
                if (amp < MIN_PEAK_AMPLITUDE) {
                    continue;
                }
                // parabolic interpolation of the peak on the log spectrum
                double a = c[k - 1];
                double b = c[k];
                double g = c[k + 1];
                double denom = a - 2 * b + g;
                double delta = denom == 0 ? 0 : 0.5 * (a - g) / denom;
                double hz = (k + delta) * World.SAMPLE_RATE / (double) AudioAnalysis.TONE_FFT;
                out.add(new double[] {hz, amp});
            }
        }
        out.sort((x, y) -> Double.compare(y[1], x[1]));
        return out.size() > MAX_PEAKS ? out.subList(0, MAX_PEAKS) : out;
    }

    /**
     * Learns {@code codes - 1} centroids (code 0 is silence) from the non-silent frames of the clips.
     * Features are first rounded to {@link #QUANTUM} (2 dB) and duplicates merged with their counts,
     * so differences below that (a tone's phase at the frame start) never split a cluster; when there
     * are fewer distinct features than codes, the spare codes repeat a centroid and are never emitted.
     */
    public static AudioTokenizer train(Iterable<float[]> clips16k, int codes, int iterations, long seed) {
        KMeans.Points points = new KMeans.Points();
        for (float[] a : clips16k) {
            for (int f = 0; f < a.length / World.SAMPLES_PER_FRAME; f++) {
                float[] v = feature(a, f);
                if (v == null) {
                    continue;
                }
                for (int k = 0; k < v.length; k++) {
                    v[k] = (float) (Math.round(v[k] / QUANTUM) * QUANTUM);
                }
                points.add(v);
            }
        }
        float[][] learned = points.fit(codes - 1, iterations, seed);
        float[][] all = new float[codes][];
        all[0] = silence();
        System.arraycopy(learned, 0, all, 1, learned.length);
        return new AudioTokenizer(all);
    }

    private static float[] silence() {
        float[] s = new float[BINS + 1];
        java.util.Arrays.fill(s, (float) Math.log10(FLOOR));
        s[BINS] = (float) (CLICK_WEIGHT * Math.log10(CLICK_FLOOR));
        return s;
    }

    public void write(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(MAGIC);
        d.writeInt(centroids.length);
        d.writeInt(BINS + 1);
        for (float[] c : centroids) {
            for (float x : c) {
                d.writeFloat(x);
            }
        }
        d.flush();
    }

    public static AudioTokenizer read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        if (d.readInt() != MAGIC) {
            throw new IOException("not an audio tokenizer file (bad magic)");
        }
        int n = d.readInt();
        int dims = d.readInt();
        if (dims != BINS + 1 || n < 2 || n > 65_536) {
            throw new IOException("audio tokenizer shape (" + n + ", " + dims + ") unexpected");
        }
        float[][] c = new float[n][dims];
        for (float[] row : c) {
            for (int i = 0; i < dims; i++) {
                row[i] = d.readFloat();
            }
        }
        return new AudioTokenizer(c);
    }

    /**
     * Log-spectral distance in dB between two signals, frame by frame over 2048-point Hann spectra
     * of whole frames, with a floor at -80 dB of a full-scale sinusoid.
     */
    public static double logSpectralDistance(float[] a, float[] b) {
        int frames = Math.min(a.length, b.length) / World.SAMPLES_PER_FRAME;
        double[] window = io.tessera.generator.world.Fft.hann(World.SAMPLES_PER_FRAME);
        double eps = 1e-4 * World.SAMPLES_PER_FRAME / 4.0;
        double total = 0;
        for (int f = 0; f < frames; f++) {
            double[] x = io.tessera.generator.world.Fft.magnitudes(a, f * World.SAMPLES_PER_FRAME, window, 2048);
            double[] y = io.tessera.generator.world.Fft.magnitudes(b, f * World.SAMPLES_PER_FRAME, window, 2048);
            double s = 0;
            for (int k = 0; k < x.length; k++) {
                double d = 20 * Math.log10((x[k] + eps) / (y[k] + eps));
                s += d * d;
            }
            total += Math.sqrt(s / x.length);
        }
        return frames == 0 ? 0 : total / frames;
    }
}
