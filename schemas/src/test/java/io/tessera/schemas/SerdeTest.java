package io.tessera.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.records.GenerationRequest;
import io.tessera.records.TokenChunk;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.Collector;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SerdeTest {

  static List<SpecificRecord> records() {
    return Fixtures.all();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Class<SpecificRecord> typeOf(SpecificRecord r) {
    return (Class) r.getClass();
  }

  @ParameterizedTest
  @MethodSource("records")
  void kafkaSerdeRoundTrips(SpecificRecord record) {
    try (Serde<SpecificRecord> serde = new AvroSerde<>(typeOf(record))) {
      serde.configure(java.util.Map.of(), false);
      byte[] bytes = serde.serializer().serialize("tessera.any", record);
      assertThat(bytes).isEqualTo(RecordCodec.of(typeOf(record)).encode(record));
      assertThat(serde.deserializer().deserialize("tessera.any", bytes)).isEqualTo(record);
    }
  }

  @Test
  void tombstonesPassThroughAsNull() {
    AvroSerde<GenerationRequest> serde = AvroSerde.of(GenerationRequest.class);
    assertThat(serde.serialize("tessera.prompts", null)).isNull();
    assertThat(serde.deserialize("tessera.prompts", null)).isNull();
  }

  @Test
  void kafkaDeserializerFailsTyped() {
    AvroSerde<GenerationRequest> serde = AvroSerde.of(GenerationRequest.class);
    assertThatThrownBy(() -> serde.deserialize("tessera.prompts", new byte[] {1, 2, 3}))
        .isInstanceOf(RecordDecodingException.class).hasMessageContaining("NOT_SINGLE_OBJECT");
  }

  @ParameterizedTest
  @MethodSource("records")
  void flinkSchemasRoundTripAfterJavaSerialization(SpecificRecord record) throws Exception {
    // Flink ships schemas to the task managers by Java serialization.
    AvroSerializationSchema<SpecificRecord> ser = InstantiationUtil.clone(new AvroSerializationSchema<>(typeOf(record)));
    AvroDeserializationSchema<SpecificRecord> de =
        InstantiationUtil.clone(new AvroDeserializationSchema<>(typeOf(record)));
    ser.open(null);
    de.open(null);

    byte[] bytes = ser.serialize(record);
    assertThat(de.deserialize(bytes)).isEqualTo(record);
    assertThat(de.isEndOfStream(record)).isFalse();

    List<SpecificRecord> out = new ArrayList<>();
    Collector<SpecificRecord> collector = new Collector<>() {
      @Override public void collect(SpecificRecord r) {
        out.add(r);
      }

      @Override public void close() {}
    };
    de.deserialize(null, collector);   // a tombstone is skipped
    de.deserialize(bytes, collector);
    assertThat(out).containsExactly(record);
  }

  @ParameterizedTest
  @MethodSource("records")
  void flinkUsesItsAvroSerializerNotKryo(SpecificRecord record) throws Exception {
    TypeInformation<SpecificRecord> info = new AvroDeserializationSchema<>(typeOf(record)).getProducedType();
    assertThat(info).isInstanceOf(AvroTypeInfo.class).isNotInstanceOf(GenericTypeInfo.class);
    assertThat(TypeInformation.of(typeOf(record))).isInstanceOf(AvroTypeInfo.class);

    TypeSerializer<SpecificRecord> serializer = info.createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(record, out);
    SpecificRecord back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertThat(back).isEqualTo(record);
    assertThat(serializer.copy(record)).isEqualTo(record);
  }

  @Test
  void flinkDeserializationFailsTyped() {
    AvroDeserializationSchema<TokenChunk> de = AvroDeserializationSchema.of(TokenChunk.class);
    assertThatThrownBy(() -> de.deserialize(new byte[0])).isInstanceOf(RecordDecodingException.class)
        .extracting("problem").isEqualTo(RecordDecodingException.Problem.NULL_OR_EMPTY);
  }
}
