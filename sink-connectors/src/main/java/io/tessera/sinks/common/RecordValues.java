package io.tessera.sinks.common;

import java.nio.ByteBuffer;
import org.apache.kafka.connect.sink.SinkRecord;

/** The value bytes of a sink record, whichever of Connect's byte converters produced them. */
public final class RecordValues {

  private RecordValues() {}

  /**
   * The record's value as bytes: {@code byte[]} (ByteArrayConverter) or a {@link ByteBuffer}.
   *
   * @throws IllegalArgumentException naming the value's type when it is neither (a wrong {@code value.converter})
   */
  public static byte[] bytes(SinkRecord record) {
    Object v = record.value();
    if (v instanceof byte[] b) {
      return b;
    }
    if (v instanceof ByteBuffer buf) {
      ByteBuffer d = buf.duplicate();
      byte[] b = new byte[d.remaining()];
      d.get(b);
      return b;
    }
    throw new IllegalArgumentException("expected the value as bytes (value.converter="
        + "org.apache.kafka.connect.converters.ByteArrayConverter) but got "
        + (v == null ? "null" : v.getClass().getName()));
  }
}
