package io.tessera.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * RIFF WAV for the audio on the media topics. Writes mono 16-bit little-endian PCM; reads any common WAV (8, 16, 24
 * and 32-bit integer PCM, 32 and 64-bit IEEE float, plain or WAVE_FORMAT_EXTENSIBLE, any channel count) into mono
 * float samples in [-1, 1] (channels averaged).
 */
public final class Wav {

  public static final String CONTENT_TYPE = "audio/wav";

  static final int FORMAT_PCM = 1;
  static final int FORMAT_FLOAT = 3;
  static final int FORMAT_EXTENSIBLE = 0xFFFE;
  private static final int MAX_CHANNELS = 64;

  /** Decoded audio: mono samples in [-1, 1] and their rate in Hz. */
  public record Audio(float[] samples, int sampleRate) {
    public Audio {
      if (samples == null) {
        throw new IllegalArgumentException("samples is null");
      }
      if (sampleRate <= 0) {
        throw new IllegalArgumentException("sampleRate must be > 0, got " + sampleRate);
      }
    }

    /** Duration in seconds. */
    public double seconds() {
      return samples.length / (double) sampleRate;
    }
  }

  private Wav() {}

  /**
   * WAV files played one after the other: their samples concatenated at the first file's rate (later files
   * resampled if theirs differs), as one mono 16-bit WAV. No files give an empty 16 kHz WAV.
   */
  public static byte[] concat(Iterable<byte[]> wavs) {
    java.util.List<float[]> parts = new java.util.ArrayList<>();
    int rate = -1;
    int length = 0;
    for (byte[] bytes : wavs) {
      Audio a = decode(bytes);
      if (rate < 0) {
        rate = a.sampleRate();
      }
      float[] s = a.sampleRate() == rate ? a.samples() : Resample.to(a.samples(), a.sampleRate(), rate);
      parts.add(s);
      length += s.length;
    }
    float[] all = new float[length];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return encode(all, rate < 0 ? 16_000 : rate);
  }

  /** Mono 16-bit PCM WAV; samples outside [-1, 1] are clipped, NaN is written as silence. */
  public static byte[] encode(float[] samples, int sampleRate) {
    if (samples == null) {
      throw new MediaFormatException("cannot encode null samples as WAV");
    }
    if (sampleRate <= 0) {
      throw new MediaFormatException("sampleRate must be > 0, got " + sampleRate);
    }
    int dataBytes = samples.length * 2;
    ByteBuffer b = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt(36 + dataBytes).put(ascii("WAVE"));
    b.put(ascii("fmt ")).putInt(16)
        .putShort((short) FORMAT_PCM)
        .putShort((short) 1)               // channels
        .putInt(sampleRate)
        .putInt(sampleRate * 2)            // byte rate
        .putShort((short) 2)               // block align
        .putShort((short) 16);             // bits per sample
    b.put(ascii("data")).putInt(dataBytes);
    for (float s : samples) {
      float c = Float.isNaN(s) ? 0f : Math.max(-1f, Math.min(1f, s));
      // Same scale as decoding (q / 32768), so a round trip is within half a step; +1.0 clips to 32767.
      b.putShort((short) Math.min(32767, Math.round(c * 32768f)));
    }
    return b.array();
  }

  /** Decodes a WAV file to mono float samples. */
  public static Audio decode(byte[] wav) {
    if (wav == null || wav.length == 0) {
      throw new MediaFormatException("no bytes to decode as WAV");
    }
    if (wav.length < 12 || !tag(wav, 0, "RIFF") || !tag(wav, 8, "WAVE")) {
      throw new MediaFormatException("not a WAV file: the " + wav.length + " bytes do not start with RIFF....WAVE");
    }
    ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
    b.position(12);
    Fmt fmt = null;
    while (b.remaining() >= 8) {
      String id = new String(wav, b.position(), 4, StandardCharsets.US_ASCII);
      b.position(b.position() + 4);
      long size = Integer.toUnsignedLong(b.getInt());
      if (id.equals("fmt ")) {
        if (size < 16 || size > b.remaining()) {
          throw new MediaFormatException("WAV fmt chunk of " + size + " bytes is invalid");
        }
        fmt = Fmt.read(b.slice(b.position(), (int) size).order(ByteOrder.LITTLE_ENDIAN));
      } else if (id.equals("data")) {
        if (fmt == null) {
          throw new MediaFormatException("WAV data chunk comes before any fmt chunk");
        }
        // Streaming writers leave the size at 0 or 0xFFFFFFFF: read whatever whole frames are there.
        long available = b.remaining();
        long n = size == 0 || size > available ? available : size;
        return fmt.decode(b.slice(b.position(), (int) n).order(ByteOrder.LITTLE_ENDIAN));
      }
      long next = b.position() + size + (size & 1);   // chunks are padded to even sizes
      if (next > wav.length) {
        break;
      }
      b.position((int) next);
    }
    throw new MediaFormatException(fmt == null ? "WAV has no fmt chunk" : "WAV has no data chunk");
  }

  /** The format chunk. */
  private record Fmt(int format, int channels, int sampleRate, int blockAlign, int bits) {

    static Fmt read(ByteBuffer f) {
      int format = Short.toUnsignedInt(f.getShort());
      int channels = Short.toUnsignedInt(f.getShort());
      int rate = f.getInt();
      f.getInt();                                        // byte rate, derivable
      int blockAlign = Short.toUnsignedInt(f.getShort());
      int bits = Short.toUnsignedInt(f.getShort());
      if (format == FORMAT_EXTENSIBLE) {
        if (f.remaining() < 2 + 22) {
          throw new MediaFormatException("WAVE_FORMAT_EXTENSIBLE fmt chunk too short");
        }
        f.getShort();                                    // cbSize
        f.getShort();                                    // valid bits
        f.getInt();                                      // channel mask
        format = Short.toUnsignedInt(f.getShort());      // first two bytes of the sub-format GUID
      }
      if (format != FORMAT_PCM && format != FORMAT_FLOAT) {
        throw new MediaFormatException("unsupported WAV format tag " + format + " (only PCM and IEEE float)");
      }
      if (channels < 1 || channels > MAX_CHANNELS) {
        throw new MediaFormatException("unsupported WAV channel count " + channels);
      }
      if (rate <= 0) {
        throw new MediaFormatException("invalid WAV sample rate " + Integer.toUnsignedString(rate));
      }
      boolean ok = format == FORMAT_PCM ? bits == 8 || bits == 16 || bits == 24 || bits == 32
          : bits == 32 || bits == 64;
      if (!ok) {
        throw new MediaFormatException("unsupported WAV sample size: " + bits + "-bit "
            + (format == FORMAT_PCM ? "integer PCM" : "float"));
      }
      int frameBytes = channels * bits / 8;
      if (blockAlign < frameBytes) {
        throw new MediaFormatException("WAV block align " + blockAlign + " is smaller than a frame of "
            + frameBytes + " bytes");
      }
      return new Fmt(format, channels, rate, blockAlign, bits);
    }

    Audio decode(ByteBuffer data) {
      int frames = data.remaining() / blockAlign;
      float[] out = new float[frames];
      int bytesPerSample = bits / 8;
      for (int i = 0; i < frames; i++) {
        int base = i * blockAlign;
        float sum = 0f;
        for (int c = 0; c < channels; c++) {
          sum += sample(data, base + c * bytesPerSample);
        }
        out[i] = sum / channels;
      }
      return new Audio(out, sampleRate);
    }

    private float sample(ByteBuffer d, int at) {
      if (format == FORMAT_FLOAT) {
        return bits == 32 ? d.getFloat(at) : (float) d.getDouble(at);
      }
      return switch (bits) {
        case 8 -> ((d.get(at) & 0xFF) - 128) / 128f;                       // 8-bit WAV is unsigned
        case 16 -> d.getShort(at) / 32768f;
        case 24 -> ((d.get(at) & 0xFF) | (d.get(at + 1) & 0xFF) << 8 | d.get(at + 2) << 16) / 8388608f;
        default -> (float) (d.getInt(at) / 2147483648.0);
      };
    }
  }

  private static boolean tag(byte[] b, int at, String tag) {
    for (int i = 0; i < 4; i++) {
      if (b[at + i] != tag.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
