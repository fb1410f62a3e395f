package io.tessera.jobs.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeutils.GenericTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializes a generated Avro record as a length-prefixed Avro binary body. Used for records in flight
 * between operators and in keyed state; the writer schema is the class's own.
 */
public final class AvroRecordSerializer<T extends SpecificRecordBase> extends TypeSerializer<T> {

    private final Class<T> type;
    private transient Schema schema;
    private transient SpecificDatumWriter<T> writer;
    private transient SpecificDatumReader<T> reader;
    private transient ByteArrayOutputStream buffer;
    private transient BinaryEncoder encoder;
    private transient BinaryDecoder decoder;

    public AvroRecordSerializer(Class<T> type) {
        this.type = type;
    }

    private void init() {
        if (schema == null) {
            schema = SpecificData.get().getSchema(type);
            writer = new SpecificDatumWriter<>(schema);
            reader = new SpecificDatumReader<>(schema);
            buffer = new ByteArrayOutputStream(256);
        }
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<T> duplicate() {
        return new AvroRecordSerializer<>(type); // not thread-safe: buffers are per instance
    }

    @Override
    public T createInstance() {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate " + type.getName(), e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T copy(T from) {
        init();
        return from == null ? null : (T) SpecificData.get().deepCopy(schema, from);
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(T record, DataOutputView target) throws IOException {
        init();
        buffer.reset();
        encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
        writer.write(record, encoder);
        encoder.flush();
        target.writeInt(buffer.size());
        target.write(buffer.toByteArray());
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        init();
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
        return reader.read(null, decoder);
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int length = source.readInt();
        target.writeInt(length);
        target.write(source, length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvroRecordSerializer<?> other && other.type.equals(type);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new Snapshot<>(type);
    }

    /** Remembers the record class; the schema comes from the class on restore. */
    public static final class Snapshot<T extends SpecificRecordBase>
            extends GenericTypeSerializerSnapshot<T, AvroRecordSerializer<T>> {

        public Snapshot() {}

        Snapshot(Class<T> type) {
            super(type);
        }

        @Override
        protected TypeSerializer<T> createSerializer(Class<T> typeClass) {
            return new AvroRecordSerializer<>(typeClass);
        }

        @Override
        protected Class<T> getTypeClass(AvroRecordSerializer<T> serializer) {
            return serializer.type;
        }

        @Override
        protected Class<?> serializerClass() {
            return AvroRecordSerializer.class;
        }
    }
}
