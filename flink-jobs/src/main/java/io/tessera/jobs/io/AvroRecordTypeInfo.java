package io.tessera.jobs.io;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information for a generated Avro record class, so records move between operators and sit
 * in state on {@link AvroRecordSerializer} (Avro binary) instead of falling back to Kryo.
 */
public final class AvroRecordTypeInfo<T extends SpecificRecordBase> extends TypeInformation<T> {

    private final Class<T> type;

    private AvroRecordTypeInfo(Class<T> type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    public static <T extends SpecificRecordBase> AvroRecordTypeInfo<T> forClass(Class<T> type) {
        return new AvroRecordTypeInfo<>(type);
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new AvroRecordSerializer<>(type);
    }

    @Override
    public String toString() {
        return "AvroRecord<" + type.getName() + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvroRecordTypeInfo<?> other && other.type.equals(type);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof AvroRecordTypeInfo;
    }
}
