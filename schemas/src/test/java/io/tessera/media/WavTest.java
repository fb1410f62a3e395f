package io.tessera.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WavTest {

  static float[] sine(double hz, int rate, int n, double amp) {
    float[] s = new float[n];
    for (int i = 0; i < n; i++) {
      s[i] = (float) (amp * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return s;
  }

  @Test
  void sixteenBitRoundTripIsWithinOneStep() {
    float[] in = sine(440, 16000, 4000, 0.9);
    in[0] = 1f;
    in[1] = -1f;
    byte[] wav = Wav.encode(in, 16000);
    assertThat(wav).hasSize(44 + 2 * in.length);

    Wav.Audio a = Wav.decode(wav);
    assertThat(a.sampleRate()).isEqualTo(16000);
    assertThat(a.samples()).hasSize(in.length);
    for (int i = 0; i < in.length; i++) {
      assertThat(Math.abs(a.samples()[i] - in[i])).as("sample %d", i).isLessThanOrEqualTo(1f / 32768f);
    }
    assertThat(a.seconds()).isEqualTo(0.25);
  }

  @Test
  void outOfRangeAndNaNAreClipped() {
    Wav.Audio a = Wav.decode(Wav.encode(new float[] {2f, -3f, Float.NaN}, 8000));
    assertThat(a.samples()[0]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
    assertThat(a.samples()[1]).isCloseTo(-1f, org.assertj.core.data.Offset.offset(1e-4f));
    assertThat(a.samples()[2]).isZero();
  }

  /** Builds a WAV by hand, independent of {@link Wav#encode}. */
  static byte[] wav(int format, int channels, int rate, int bits, boolean extensible, float[][] frames) {
    int frameBytes = channels * bits / 8;
    int data = frames.length * frameBytes;
    int fmtSize = extensible ? 40 : 16;
    ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtSize + 8 + 6 + 8 + data + 1).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(0).put("WAVE".getBytes(StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(fmtSize)
        .putShort((short) (extensible ? 0xFFFE : format)).putShort((short) channels).putInt(rate)
        .putInt(rate * frameBytes).putShort((short) frameBytes).putShort((short) bits);
    if (extensible) {
      b.putShort((short) 22).putShort((short) bits).putInt(0).putShort((short) format)
          .put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
    }
    // An odd-sized chunk before the data, which readers must skip (with its pad byte).
    b.put("LIST".getBytes(StandardCharsets.US_ASCII)).putInt(5).put(new byte[] {1, 2, 3, 4, 5, 0});
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data);
    for (float[] frame : frames) {
      for (float v : frame) {
        if (format == 3 && bits == 32) {
          b.putFloat(v);
        } else if (format == 3) {
          b.putDouble(v);
        } else if (bits == 8) {
          b.put((byte) (Math.round(v * 127) + 128));
        } else if (bits == 16) {
          b.putShort((short) Math.round(v * 32767));
        } else if (bits == 24) {
          int q = Math.round(v * 8388607);
          b.put((byte) q).put((byte) (q >> 8)).put((byte) (q >> 16));
        } else {
          b.putInt((int) Math.round(v * 2147483647.0));
        }
      }
    }
    int end = b.position();
    b.putInt(4, end - 8);
    return Arrays.copyOf(b.array(), end);
  }

  @ParameterizedTest(name = "format {0}, {1} channel(s), {2}-bit, extensible {3}")
  @CsvSource({
      "1, 1, 8, false", "1, 1, 16, false", "1, 2, 16, false", "1, 1, 24, false", "1, 2, 24, true",
      "1, 1, 32, false", "3, 1, 32, false", "3, 2, 32, false", "3, 6, 32, true", "3, 1, 64, false"})
  void commonWavFormatsDecodeToMono(int format, int channels, int bits, boolean extensible) {
    int rate = 22050;
    float[] mono = sine(300, rate, 1000, 0.8);
    float[][] frames = new float[mono.length][channels];
    for (int i = 0; i < mono.length; i++) {
      for (int c = 0; c < channels; c++) {
        // Channels differ but average to the mono signal: c-th channel gets an offset that sums to zero.
        frames[i][c] = mono[i] + (channels == 1 ? 0f : 0.1f * (c - (channels - 1) / 2f));
      }
    }
    Wav.Audio a = Wav.decode(wav(format, channels, rate, bits, extensible, frames));
    assertThat(a.sampleRate()).isEqualTo(rate);
    assertThat(a.samples()).hasSize(mono.length);
    float tolerance = bits == 8 ? 1f / 100 : 1e-4f;
    for (int i = 0; i < mono.length; i++) {
      assertThat(Math.abs(a.samples()[i] - mono[i])).as("sample %d", i).isLessThanOrEqualTo(tolerance);
    }
  }

  @Test
  void garbageAndUnsupportedInputAreTypedErrors() {
    assertThatThrownBy(() -> Wav.decode(null)).isInstanceOf(MediaFormatException.class);
    assertThatThrownBy(() -> Wav.decode("hello world, not audio".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(MediaFormatException.class).hasMessageContaining("not a WAV");
    byte[] ok = Wav.encode(sine(100, 8000, 100, 0.5), 8000);
    assertThatThrownBy(() -> Wav.decode(Arrays.copyOf(ok, 30))).isInstanceOf(MediaFormatException.class);
    byte[] mulaw = ok.clone();
    mulaw[20] = 7;   // format tag 7 = mu-law
    assertThatThrownBy(() -> Wav.decode(mulaw)).isInstanceOf(MediaFormatException.class)
        .hasMessageContaining("format tag 7");
    byte[] noData = Arrays.copyOf(ok, 36);
    assertThatThrownBy(() -> Wav.decode(noData)).isInstanceOf(MediaFormatException.class)
        .hasMessageContaining("no data chunk");
    assertThatThrownBy(() -> Wav.encode(new float[1], 0)).isInstanceOf(MediaFormatException.class);
  }

  @Test
  void aStreamedDataSizeReadsWhatIsThere() {
    byte[] wav = Wav.encode(sine(100, 8000, 100, 0.5), 8000);
    ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putInt(40, -1);   // 0xFFFFFFFF: unknown length
    assertThat(Wav.decode(wav).samples()).hasSize(100);
  }

  @Test
  void concatPlaysFilesInOrderAtTheFirstRate() {
    byte[] a = Wav.encode(sine(440, 16000, 1600, 0.5), 16000);
    byte[] b = Wav.encode(sine(440, 8000, 800, 0.5), 8000); // 0.1 s at half the rate: resampled to 1600 samples
    Wav.Audio both = Wav.decode(Wav.concat(java.util.List.of(a, b)));
    assertThat(both.sampleRate()).isEqualTo(16000);
    assertThat(both.samples().length).isBetween(3190, 3210);
    assertThat(Arrays.copyOf(both.samples(), 1600)).isEqualTo(Wav.decode(a).samples());
    Wav.Audio none = Wav.decode(Wav.concat(java.util.List.of()));
    assertThat(none.sampleRate()).isEqualTo(16000);
    assertThat(none.samples()).isEmpty();
  }
}
