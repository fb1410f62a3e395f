package io.tessera.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResampleTest {

  /** RMS difference against the ideal signal, ignoring the kernel's edge effects at both ends. */
  static double rmsError(float[] got, double hz, int rate, double amp, int margin) {
    double sum = 0;
    int n = 0;
    for (int i = margin; i < got.length - margin; i++) {
      double want = amp * Math.sin(2 * Math.PI * hz * i / rate);
      sum += (got[i] - want) * (got[i] - want);
      n++;
    }
    return Math.sqrt(sum / n);
  }

  static double rms(float[] x, int margin) {
    double sum = 0;
    for (int i = margin; i < x.length - margin; i++) {
      sum += x[i] * x[i];
    }
    return Math.sqrt(sum / (x.length - 2 * margin));
  }

  @Test
  void sincKeepsAnInBandToneWhenDownsampling() {
    float[] in = WavTest.sine(1000, 48000, 48000, 0.5);
    float[] out = Resample.sinc(in, 48000, 16000);
    assertThat(out).hasSize(16000);
    assertThat(rmsError(out, 1000, 16000, 0.5, 100)).isLessThan(0.005);
  }

  @Test
  void sincRemovesAToneAboveTheNewNyquistWhereLinearAliasesIt() {
    float[] in = WavTest.sine(11000, 48000, 48000, 0.5);   // above 8 kHz, the Nyquist of 16 kHz
    double sinc = rms(Resample.sinc(in, 48000, 16000), 100);
    double linear = rms(Resample.linear(in, 48000, 16000), 100);
    assertThat(sinc).isLessThan(0.02);
    assertThat(linear).isGreaterThan(0.2);                  // folded to 5 kHz, barely attenuated
  }

  @Test
  void upsamplingBothWaysTracksTheTone() {
    float[] in = WavTest.sine(440, 16000, 16000, 0.8);
    float[] sinc = Resample.to(in, 16000, 44100);
    float[] linear = Resample.linear(in, 16000, 44100);
    assertThat(sinc).hasSize(44100);
    assertThat(linear).hasSize(44100);
    assertThat(rmsError(sinc, 440, 44100, 0.8, 300)).isLessThan(0.005);
    assertThat(rmsError(linear, 440, 44100, 0.8, 300)).isLessThan(0.01);
  }

  @Test
  void sameRateIsACopyAndBadRatesAreRejected() {
    float[] in = {0.1f, 0.2f};
    assertThat(Resample.to(in, 8000, 8000)).containsExactly(0.1f, 0.2f).isNotSameAs(in);
    assertThat(Resample.linear(new float[0], 8000, 16000)).isEmpty();
    assertThatThrownBy(() -> Resample.to(in, 0, 8000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Resample.to(null, 8000, 8000)).isInstanceOf(IllegalArgumentException.class);
  }
}
