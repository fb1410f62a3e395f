package io.tessera.generator.tokenize;

import io.tessera.generator.world.World;

/** Linear-interpolation resampling to 16 kHz (adequate for the tokenizer's 7.8 Hz bins and clicks). */
public final class Resample {

    private Resample() {}

    public static float[] to16k(float[] pcm, int sampleRate) {
        if (pcm == null) {
            throw new IllegalArgumentException("audio is null");
        }
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be > 0, got " + sampleRate);
        }
        if (sampleRate == World.SAMPLE_RATE) {
            return pcm;
        }
        int n = (int) ((long) pcm.length * World.SAMPLE_RATE / sampleRate);
        float[] out = new float[n];
        double step = sampleRate / (double) World.SAMPLE_RATE;
        for (int i = 0; i < n; i++) {
            double pos = i * step;
            int j = (int) pos;
            double frac = pos - j;
            float a = pcm[Math.min(j, pcm.length - 1)];
            float b = pcm[Math.min(j + 1, pcm.length - 1)];
            out[i] = (float) (a + frac * (b - a));
        }
        return out;
    }
}
