package io.tessera.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.RecordDecodingException.Problem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Old and new producers and consumers side by side. The test classpath ships v1 of GenerationRequest (before
 * deadlineMs and createdAtMs) and of TokenChunk (before emittedAtMs) as history; src/test/resources/avro-future
 * holds a v3 of GenerationRequest that a newer producer might write (a priority field with a default).
 */
class SchemaEvolutionTest {

  private static Schema resource(String path) {
    try (InputStream in = SchemaEvolutionTest.class.getClassLoader().getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return SchemaStore.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), path);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static final Schema REQUEST_V1 = resource(SchemaStore.HISTORY_ROOT + "GenerationRequest/v1.avsc");
  private static final Schema CHUNK_V1 = resource(SchemaStore.HISTORY_ROOT + "TokenChunk/v1.avsc");
  /** The shipped v1 (src/main): GenerationRequest as deployed before SamplingParams.bestOf. */
  private static final Schema REQUEST_BEFORE_BEST_OF = shipped("GenerationRequest/v1.avsc");
  /** The shipped v1 (src/main): GenerationCompleted before bestOf and verifierScores. */
  private static final Schema COMPLETED_V1 = shipped("GenerationCompleted/v1.avsc");
  private static final String REQUEST_V3_FILE = "avro-future/io/tessera/records/GenerationRequest-v3.avsc";
  private static final Schema REQUEST_V3 = resource(REQUEST_V3_FILE);

  /** The copy of a history file that src/main ships (the test classpath may hold a fixture at the same path). */
  private static Schema shipped(String file) {
    try {
      for (java.net.URL url : java.util.Collections.list(
          SchemaEvolutionTest.class.getClassLoader().getResources(SchemaStore.HISTORY_ROOT + file))) {
        if (!url.toString().contains("test-classes")) {
          try (InputStream in = url.openStream()) {
            return SchemaStore.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), url.toString());
          }
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("src/main ships no " + file);
  }

  /** Single-object bytes of a generic record, as a producer with that schema compiled in would write them. */
  private static byte[] writeSingleObject(Schema writer, GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(RecordCodec.header(SchemaStore.fingerprint(writer)));
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(writer).write(record, enc);
    enc.flush();
    return out.toByteArray();
  }

  private static GenericRecord sampling(Schema requestSchema) {
    return new GenericRecordBuilder(requestSchema.getField("sampling").schema())
        .set("temperature", 0.7f).set("topK", 20).set("topP", 0.9f).set("guidanceScale", 2f).set("seed", 5L)
        .set("frames", 12).set("samples", 2).build();
  }

  private static GenericRecord oldRequest() {
    return new GenericRecordBuilder(REQUEST_V1)
        .set("requestId", "old-1")
        .set("task", new GenericData.EnumSymbol(REQUEST_V1.getField("task").schema(), "TEXT_TO_VIDEO"))
        .set("prompt", "a blue square").set("conditioningFrames", 0).set("conditioningAudioChunks", 0)
        .set("sampling", sampling(REQUEST_V1)).set("tenant", "acme").build();
  }

  @Test
  void theHistoryOnTheClasspathIsInTheDefaultStore() {
    SchemaStore store = SchemaStore.defaults();
    assertThat(store.findByFingerprint(SchemaStore.fingerprint(REQUEST_V1))).isNotNull();
    assertThat(store.findByFingerprint(SchemaStore.fingerprint(CHUNK_V1))).isNotNull();
    assertThat(store.versionsOf("io.tessera.records.GenerationRequest")).as("current, fixture v1, shipped v1")
        .hasSize(3);
    assertThat(store.findByFingerprint(SchemaStore.fingerprint(REQUEST_BEFORE_BEST_OF))).isNotNull();
    assertThat(store.findByFingerprint(SchemaStore.fingerprint(COMPLETED_V1))).isNotNull();
    assertThat(store.findByFingerprint(SchemaStore.fingerprint(REQUEST_V3))).isNull();
  }

  @Test
  void recordsWrittenWithV1AreReadByTheCurrentClassWithDefaults() throws IOException {
    byte[] bytes = writeSingleObject(REQUEST_V1, oldRequest());

    GenerationRequest r = RecordCodec.of(GenerationRequest.class).decode(bytes);

    assertThat(r.getRequestId()).isEqualTo("old-1");
    assertThat(r.getPrompt()).isEqualTo("a blue square");
    assertThat(r.getSampling().getFrames()).isEqualTo(12);
    assertThat(r.getDeadlineMs()).isNull();
    assertThat(r.getCreatedAtMs()).isZero();
  }

  @Test
  void tokenChunksWrittenWithV1AreReadByTheCurrentClass() throws IOException {
    Schema task = CHUNK_V1.getField("task").schema();
    Schema finish = CHUNK_V1.getField("finishReason").schema().getTypes().get(1);
    GenericRecord old = new GenericRecordBuilder(CHUNK_V1).set("requestId", "old-2").set("sampleIndex", 0)
        .set("seq", 3).set("task", new GenericData.EnumSymbol(task, "VIDEO_TO_AUDIO")).set("firstPosition", 48)
        .set("frameIndex", 2).set("tokens", List.of(5, 6, 7)).set("logprobs", List.of(-1f, -2f, -3f))
        .set("policyVersion", 9L).set("final", true).set("finishReason", new GenericData.EnumSymbol(finish, "CANCELLED"))
        .build();

    TokenChunk c = RecordCodec.of(TokenChunk.class).decode(writeSingleObject(CHUNK_V1, old));

    assertThat(c.getSeq()).isEqualTo(3);
    assertThat(c.getTokens()).containsExactly(5, 6, 7);
    assertThat(c.getFinal$()).isTrue();
    assertThat(c.getFinishReason()).hasToString("CANCELLED");
    assertThat(c.getEmittedAtMs()).isZero();
  }

  @Test
  void aNewerProducersRecordsAreReadOnceItsSchemaIsRegistered(@TempDir Path dir) throws IOException {
    GenericRecord newer = new GenericRecordBuilder(REQUEST_V3)
        .set("requestId", "new-1")
        .set("task", new GenericData.EnumSymbol(REQUEST_V3.getField("task").schema(), "VIDEO_TO_AUDIO"))
        .set("prompt", "rain on a tin roof").set("conditioningFrames", 8).set("conditioningAudioChunks", 0)
        .set("sampling", sampling(REQUEST_V3)).set("tenant", "acme").set("deadlineMs", 77L)
        .set("createdAtMs", 66L).set("priority", 9).build();
    byte[] bytes = writeSingleObject(REQUEST_V3, newer);

    SchemaStore store = SchemaStore.withDefaults();
    RecordCodec<GenerationRequest> codec = RecordCodec.of(GenerationRequest.class, store);
    assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(RecordDecodingException.class)
        .extracting("problem").isEqualTo(Problem.UNKNOWN_FINGERPRINT);

    Path file = dir.resolve("io/tessera/records/GenerationRequest-v3.avsc");
    Files.createDirectories(file.getParent());
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(REQUEST_V3_FILE)) {
      Files.copy(in, file);
    }
    assertThat(store.registerFrom(dir)).isEqualTo(1);
    assertThat(store.registerFrom(dir)).isZero();

    GenerationRequest r = codec.decode(bytes);
    assertThat(r.getRequestId()).isEqualTo("new-1");
    assertThat(r.getDeadlineMs()).isEqualTo(77L);
    assertThat(r.getCreatedAtMs()).isEqualTo(66L);
    assertThat(r.getSampling().getSamples()).isEqualTo(2);
    // The process-wide store was not touched.
    assertThat(SchemaStore.defaults().findByFingerprint(SchemaStore.fingerprint(REQUEST_V3))).isNull();
  }

  @Test
  void currentRecordsAreReadByAConsumerCompiledAgainstV1() throws IOException {
    byte[] bytes = RecordCodec.of(GenerationRequest.class).encode(Fixtures.request());
    long fp = RecordCodec.readFingerprint(bytes);
    Schema writer = SchemaStore.defaults().findByFingerprint(fp);

    GenericDatumReader<GenericRecord> oldReader = new GenericDatumReader<>(writer, REQUEST_V1);
    GenericRecord old = oldReader.read(null, DecoderFactory.get().binaryDecoder(bytes, RecordCodec.HEADER_LENGTH,
        bytes.length - RecordCodec.HEADER_LENGTH, null));

    assertThat(old.get("requestId")).hasToString(Fixtures.REQUEST_ID);
    assertThat(old.get("task")).hasToString("IMAGE_TO_VIDEO");
    assertThat(((GenericRecord) old.get("sampling")).get("topK")).isEqualTo(40);
    assertThat(old.hasField("deadlineMs")).isFalse();
  }

  @Test
  void currentTokenChunksAreReadByAConsumerCompiledAgainstV1() throws IOException {
    byte[] bytes = RecordCodec.of(TokenChunk.class).encode(Fixtures.tokenChunk());
    Schema writer = TokenChunk.getClassSchema();
    GenericRecord old = new GenericDatumReader<GenericRecord>(writer, CHUNK_V1).read(null, DecoderFactory.get()
        .binaryDecoder(bytes, RecordCodec.HEADER_LENGTH, bytes.length - RecordCodec.HEADER_LENGTH, null));
    assertThat(old.get("tokens")).asList().containsExactly(17, 2047, 0, 33, 1999, 5);
    assertThat(old.get("finishReason")).hasToString("LENGTH");
  }

  @Test
  void requestsWrittenBeforeBestOfAreReadWithBestOfOne() throws IOException {
    GenericRecord old = new GenericRecordBuilder(REQUEST_BEFORE_BEST_OF)
        .set("requestId", "pre-best-of")
        .set("task", new GenericData.EnumSymbol(REQUEST_BEFORE_BEST_OF.getField("task").schema(), "TEXT_TO_VIDEO"))
        .set("prompt", "a red circle").set("conditioningFrames", 0).set("conditioningAudioChunks", 0)
        .set("sampling", sampling(REQUEST_BEFORE_BEST_OF)).set("tenant", "acme").set("deadlineMs", null)
        .set("createdAtMs", 3L).build();

    GenerationRequest r = RecordCodec.of(GenerationRequest.class).decode(writeSingleObject(REQUEST_BEFORE_BEST_OF, old));

    assertThat(r.getSampling().getSamples()).isEqualTo(2);
    assertThat(r.getSampling().getBestOf()).isEqualTo(1);
    assertThat(r.getCreatedAtMs()).isEqualTo(3L);
  }

  @Test
  void requestsWithBestOfAreReadByAConsumerCompiledBeforeIt() throws IOException {
    GenerationRequest current = Fixtures.request();
    current.getSampling().setBestOf(4);
    byte[] bytes = RecordCodec.of(GenerationRequest.class).encode(current);
    GenericRecord old = new GenericDatumReader<GenericRecord>(GenerationRequest.getClassSchema(), REQUEST_BEFORE_BEST_OF)
        .read(null, DecoderFactory.get().binaryDecoder(bytes, RecordCodec.HEADER_LENGTH,
            bytes.length - RecordCodec.HEADER_LENGTH, null));
    assertThat(((GenericRecord) old.get("sampling")).hasField("bestOf")).isFalse();
    assertThat(((GenericRecord) old.get("sampling")).get("topK")).isEqualTo(40);
  }

  @Test
  void completionsWrittenBeforeBestOfHaveNoVerifierScores() throws IOException {
    Schema task = COMPLETED_V1.getField("task").schema();
    Schema finish = COMPLETED_V1.getField("finishReason").schema();
    GenericRecord old = new GenericRecordBuilder(COMPLETED_V1).set("requestId", "old-3").set("sampleIndex", 1)
        .set("samples", 2).set("task", new GenericData.EnumSymbol(task, "TEXT_TO_VIDEO")).set("prompt", "p")
        .set("tenant", "t").set("prefixTokens", List.of(1, 2)).set("tokens", List.of(3)).set("logprobs", List.of(-1f))
        .set("policyVersion", 4L).set("firstPolicyVersion", 4L).set("modelId", "m")
        .set("finishReason", new GenericData.EnumSymbol(finish, "LENGTH")).set("seed", 5L).set("queuedMs", 0L)
        .set("timeToFirstTokenMs", 1L).set("totalMs", 2L).set("completedAtMs", 3L).build();

    GenerationCompleted g = RecordCodec.of(GenerationCompleted.class).decode(writeSingleObject(COMPLETED_V1, old));

    assertThat(g.getTokens()).containsExactly(3);
    assertThat(g.getBestOf()).isEqualTo(1);
    assertThat(g.getVerifierScores()).isEmpty();
  }

  @Test
  void everyCurrentSchemaIsCompatibleBothWaysWithItsWholeHistory() {
    int pairs = 0;
    for (Schema current : SchemaStore.CURRENT) {
      for (Schema other : SchemaStore.defaults().versionsOf(current.getFullName())) {
        assertCompatible(current, other);
        pairs++;
      }
    }
    assertCompatible(GenerationRequest.getClassSchema(), REQUEST_V3);
    assertCompatible(REQUEST_V1, REQUEST_V3);
    assertCompatible(REQUEST_BEFORE_BEST_OF, REQUEST_V3);
    assertThat(pairs).as("current schemas plus four historical versions").isEqualTo(SchemaStore.CURRENT.size() + 4);
  }

  private static void assertCompatible(Schema a, Schema b) {
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(a, b).getType())
        .as("%s reading data written with %s", a.getFullName(), b.getDoc()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(b, a).getType())
        .as("%s (%s) reading current data", b.getFullName(), b.getDoc()).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  @Test
  void aBrokenSchemaFileIsRejectedWithItsName(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("Broken.avsc"), "{\"type\": \"record\", \"name\": \"Broken\", \"fields\": [");
    assertThatThrownBy(() -> new SchemaStore().registerFrom(dir)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Broken.avsc");
    assertThatThrownBy(() -> new SchemaStore().registerFrom(dir.resolve("missing")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anIncompatibleChangeWouldBeCaught() {
    // Guard that the compatibility check can fail: a required field without a default breaks old writers.
    Schema breaking = SchemaStore.parse(REQUEST_V1.toString().replace(
        "{\"name\":\"tenant\"", "{\"name\":\"mustHave\",\"type\":\"long\"},{\"name\":\"tenant\""), "test");
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(breaking, REQUEST_V1).getType())
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }
}
