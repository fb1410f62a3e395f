package io.tessera.schemas;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * A {@link SpecificDatumReader} whose arrays and maps start small and grow as elements actually arrive, instead of
 * allocating whatever block count the (possibly garbage) input declares. Used with {@link BoundedBinaryDecoder},
 * which does the same for strings and bytes, and with a model whose generated custom decoders are off (they read
 * straight from the decoder and allocate declared sizes).
 */
final class BoundedDatumReader<T> extends SpecificDatumReader<T> {

  /** Initial capacity of arrays and maps, whatever block count the input declares. */
  static final int MAX_INITIAL_CAPACITY = 1024;

  /** A model for {@code type} with the class's conversions but without the generated {@code customDecode}. */
  static SpecificData model(Class<?> type, SpecificData classModel) {
    SpecificData m = new SpecificData(type.getClassLoader());
    classModel.getConversions().forEach(m::addLogicalTypeConversion);
    m.setCustomCoders(false);
    return m;
  }

  BoundedDatumReader(Schema writer, Schema reader, SpecificData model) {
    super(writer, reader, model);
  }

  @Override
  protected Object newArray(Object old, int size, Schema schema) {
    return super.newArray(old, Math.min(size, MAX_INITIAL_CAPACITY), schema);
  }

  @Override
  protected Object newMap(Object old, int size) {
    return super.newMap(old, Math.min(size, MAX_INITIAL_CAPACITY));
  }
}
