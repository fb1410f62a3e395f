package io.tessera.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.records.FinishReason;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Records between operators and in state use Flink's own serializers, never Kryo. */
class SerializationTest {

    @Test
    void rawRecordIsAPojo() {
        assertThat(TypeInformation.of(RawRecord.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(new RawRecordDeserializer().getProducedType()).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(io.tessera.jobs.decode.DecodeProgress.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void theAssemblersRecordsAndStateArePojos() {
        assertThat(TypeInformation.of(io.tessera.jobs.condition.ConditionedRequest.class))
                .isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(io.tessera.jobs.condition.Assembly.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(io.tessera.jobs.condition.MediaPart.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void avroRecordsRoundTripThroughTheirSerializerAndSnapshot() throws Exception {
        TokenChunk chunk = TokenChunk.newBuilder()
                .setRequestId("r-1").setSampleIndex(2).setSeq(3).setTask(Task.TEXT_TO_VIDEO)
                .setFirstPosition(12).setFrameIndex(2).setTokens(List.of(5, 6, 7)).setLogprobs(List.of(-1f, -2f, -3f))
                .setPolicyVersion(9).setFinal$(true).setFinishReason(FinishReason.LENGTH).build();
        TypeSerializer<TokenChunk> serializer =
                AvroRecordTypeInfo.forClass(TokenChunk.class).createSerializer(new SerializerConfigImpl());

        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(chunk, out);
        serializer.serialize(chunk, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        assertThat(serializer.deserialize(in)).isEqualTo(chunk);
        assertThat(serializer.deserialize(in)).isEqualTo(chunk);
        assertThat(serializer.copy(chunk)).isEqualTo(chunk).isNotSameAs(chunk);

        TypeSerializerSnapshot<TokenChunk> snapshot = serializer.snapshotConfiguration();
        DataOutputSerializer snapOut = new DataOutputSerializer(64);
        snapshot.writeSnapshot(snapOut);
        TypeSerializerSnapshot<TokenChunk> restored = new AvroRecordSerializer.Snapshot<>();
        restored.readSnapshot(snapshot.getCurrentVersion(), new DataInputDeserializer(snapOut.getCopyOfBuffer()),
                getClass().getClassLoader());
        assertThat(restored.restoreSerializer()).isEqualTo(serializer);
        assertThat(restored.resolveSchemaCompatibility(snapshot).isCompatibleAsIs()).isTrue();
    }
}
