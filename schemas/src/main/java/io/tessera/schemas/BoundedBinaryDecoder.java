package io.tessera.schemas;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A binary decoder that checks every string and bytes length against the input left before allocating for it.
 * Avro's own decoder allocates the declared length first, so four garbage bytes declaring a 1 GiB string cost a
 * 1 GiB allocation before the read fails; here such a length is an {@link EOFException} at once.
 */
final class BoundedBinaryDecoder extends Decoder {

  private final BinaryDecoder in;

  BoundedBinaryDecoder(BinaryDecoder in) {
    this.in = in;
  }

  /** Reads a length prefix and checks it fits in what is left of the input. */
  private int length() throws IOException {
    long length = in.readLong();
    if (length < 0) {
      throw new IOException("malformed data: negative length " + length);
    }
    int remaining = in.inputStream().available();
    if (length > remaining) {
      throw new EOFException("declared length " + length + " exceeds the " + remaining + " bytes left");
    }
    return (int) length;
  }

  private byte[] lengthPrefixed() throws IOException {
    byte[] b = new byte[length()];
    in.readFixed(b);
    return b;
  }

  /** Whether the whole input has been consumed. */
  boolean isEnd() throws IOException {
    return in.isEnd();
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    return new Utf8(lengthPrefixed());
  }

  @Override
  public String readString() throws IOException {
    return new String(lengthPrefixed(), StandardCharsets.UTF_8);
  }

  @Override
  public void skipString() throws IOException {
    in.skipFixed(length());
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    return ByteBuffer.wrap(lengthPrefixed());
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipFixed(length());
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return in.readArrayStart();
  }

  @Override
  public long arrayNext() throws IOException {
    return in.arrayNext();
  }

  @Override
  public long skipArray() throws IOException {
    return in.skipArray();
  }

  @Override
  public long readMapStart() throws IOException {
    return in.readMapStart();
  }

  @Override
  public long mapNext() throws IOException {
    return in.mapNext();
  }

  @Override
  public long skipMap() throws IOException {
    return in.skipMap();
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }
}
