package io.tessera.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tessera.records.GenerationRequest;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.RecordDecodingException.Problem;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RecordCodecTest {

  static List<SpecificRecord> records() {
    return Fixtures.all();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static RecordCodec<SpecificRecord> codecOf(SpecificRecord r) {
    return (RecordCodec) RecordCodec.of(r.getClass());
  }

  @ParameterizedTest
  @MethodSource("records")
  void everyRecordRoundTripsThroughTheSingleObjectEncoding(SpecificRecord record) {
    RecordCodec<SpecificRecord> codec = codecOf(record);
    byte[] bytes = codec.encode(record);

    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(RecordCodec.readFingerprint(bytes)).isEqualTo(SchemaStore.fingerprint(record.getSchema()));
    assertThat(codec.decode(bytes)).isEqualTo(record);
  }

  @ParameterizedTest
  @MethodSource("records")
  void headerMatchesAvrosOwnSingleObjectEncoder(SpecificRecord record) throws Exception {
    // The generated classes' toByteBuffer() is Avro's BinaryMessageEncoder: our bytes must be identical.
    var avro = (java.nio.ByteBuffer) record.getClass().getMethod("toByteBuffer").invoke(record);
    byte[] expected = new byte[avro.remaining()];
    avro.get(expected);
    assertThat(codecOf(record).encode(record)).isEqualTo(expected);
  }

  @ParameterizedTest
  @MethodSource("records")
  void everyTruncationOfARecordIsReportedAsTruncated(SpecificRecord record) {
    RecordCodec<SpecificRecord> codec = codecOf(record);
    byte[] bytes = codec.encode(record);
    // Every cut inside the header, and a spread of cuts through the body (all of them for small records).
    int step = Math.max(1, bytes.length / 500);
    for (int len = 2; len < bytes.length; len += (len < RecordCodec.HEADER_LENGTH ? 1 : step)) {
      byte[] cut = Arrays.copyOf(bytes, len);
      RecordDecodingException e = catchThrowableOfType(RecordDecodingException.class, () -> codec.decode(cut));
      assertThat(e).as("decoding the first %d of %d bytes", len, bytes.length).isNotNull();
      assertThat(e.problem()).as("problem for the first %d of %d bytes: %s", len, bytes.length, e.getMessage())
          .isEqualTo(Problem.TRUNCATED);
    }
  }

  @Test
  void nullAndEmptyInputAreNullOrEmpty() {
    RecordCodec<GenerationRequest> codec = RecordCodec.of(GenerationRequest.class);
    assertThatThrownBy(() -> codec.decode(null)).isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining("NULL_OR_EMPTY").extracting("problem").isEqualTo(Problem.NULL_OR_EMPTY);
    assertThatThrownBy(() -> codec.decode(new byte[0])).extracting("problem").isEqualTo(Problem.NULL_OR_EMPTY);
  }

  @Test
  void garbageIsNotASingleObject() {
    RecordCodec<GenerationRequest> codec = RecordCodec.of(GenerationRequest.class);
    byte[] text = "{\"requestId\": \"r1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    RecordDecodingException e = catchThrowableOfType(RecordDecodingException.class, () -> codec.decode(text));
    assertThat(e.problem()).isEqualTo(Problem.NOT_SINGLE_OBJECT);
    assertThat(e.getMessage()).contains("NOT_SINGLE_OBJECT", "GenerationRequest", "7B 22 72 65");

    assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xC3, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9}))
        .extracting("problem").isEqualTo(Problem.NOT_SINGLE_OBJECT);
    assertThatThrownBy(() -> codec.decode(new byte[] {0x00})).extracting("problem")
        .isEqualTo(Problem.NOT_SINGLE_OBJECT);
  }

  @Test
  void aLoneMagicByteIsTruncated() {
    assertThatThrownBy(() -> RecordCodec.of(GenerationRequest.class).decode(new byte[] {(byte) 0xC3}))
        .extracting("problem").isEqualTo(Problem.TRUNCATED);
  }

  @Test
  void unknownFingerprintNamesTheFingerprintAndTheExpectedRecord() {
    RecordCodec<GenerationRequest> codec = RecordCodec.of(GenerationRequest.class);
    byte[] bytes = codec.encode(Fixtures.request());
    long bogus = 0x0123456789abcdefL;
    System.arraycopy(RecordCodec.header(bogus), 0, bytes, 0, RecordCodec.HEADER_LENGTH);

    RecordDecodingException e = catchThrowableOfType(RecordDecodingException.class, () -> codec.decode(bytes));
    assertThat(e.problem()).isEqualTo(Problem.UNKNOWN_FINGERPRINT);
    assertThat(e.getMessage()).contains("0x0123456789abcdef", "io.tessera.records.GenerationRequest");
  }

  @Test
  void aKnownRecordOfAnotherTypeIsTheWrongRecordType() {
    byte[] chunk = RecordCodec.of(TokenChunk.class).encode(Fixtures.tokenChunk());
    RecordDecodingException e = catchThrowableOfType(RecordDecodingException.class,
        () -> RecordCodec.of(GenerationRequest.class).decode(chunk));
    assertThat(e.problem()).isEqualTo(Problem.WRONG_RECORD_TYPE);
    assertThat(e.getMessage()).contains("io.tessera.records.TokenChunk", "io.tessera.records.GenerationRequest");
  }

  @Test
  void bytesAfterTheRecordAreACorruptBody() {
    RecordCodec<GenerationRequest> codec = RecordCodec.of(GenerationRequest.class);
    byte[] bytes = codec.encode(Fixtures.request());
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
    assertThatThrownBy(() -> codec.decode(longer)).extracting("problem").isEqualTo(Problem.CORRUPT_BODY);
  }

  @Test
  void aBadEnumIndexInTheBodyIsACorruptBody() {
    RecordCodec<GenerationRequest> codec = RecordCodec.of(GenerationRequest.class);
    GenerationRequest r = Fixtures.request();
    byte[] bytes = codec.encode(r);
    // Body: requestId (zig-zag length + UTF-8), then the task enum index as one zig-zag byte.
    int taskAt = RecordCodec.HEADER_LENGTH + 1 + r.getRequestId().length();
    assertThat(bytes[taskAt]).isEqualTo((byte) (Task.IMAGE_TO_VIDEO.ordinal() * 2));
    bytes[taskAt] = 0x7E;   // index 63: no such symbol
    RecordDecodingException e = catchThrowableOfType(RecordDecodingException.class, () -> codec.decode(bytes));
    assertThat(e.problem()).isEqualTo(Problem.CORRUPT_BODY);
    assertThat(e.getMessage()).contains("GenerationRequest");
  }

  @Test
  void randomBodiesBehindAValidHeaderNeverEscapeAsAnythingButTypedErrors() {
    Random rnd = new Random(2026);
    for (Class<? extends SpecificRecord> type : Topics.ALL.stream().<Class<? extends SpecificRecord>>map(
        Topic::valueType).distinct().toList()) {
      RecordCodec<? extends SpecificRecord> codec = RecordCodec.of(type);
      byte[] header = RecordCodec.header(codec.fingerprint());
      for (int i = 0; i < 300; i++) {
        byte[] bytes = Arrays.copyOf(header, RecordCodec.HEADER_LENGTH + rnd.nextInt(64));
        for (int j = RecordCodec.HEADER_LENGTH; j < bytes.length; j++) {
          bytes[j] = (byte) rnd.nextInt(256);
        }
        try {
          codec.decode(bytes);   // Some random bodies happen to be valid records; that is fine.
        } catch (RecordDecodingException e) {
          assertThat(e.problem()).isIn(Problem.TRUNCATED, Problem.CORRUPT_BODY);
        }
      }
    }
  }

  @Test
  void aMissingRequiredFieldIsATypedEncodingErrorNamingIt() {
    GenerationRequest r = Fixtures.request();
    r.setRequestId(null);
    RecordEncodingException e = catchThrowableOfType(RecordEncodingException.class,
        () -> RecordCodec.of(GenerationRequest.class).encode(r));
    assertThat(e.field()).isEqualTo("GenerationRequest.requestId");
    assertThat(e.getMessage()).contains("requestId");

    GenerationRequest noSampling = Fixtures.request();
    noSampling.setSampling(null);
    assertThatThrownBy(() -> RecordCodec.of(GenerationRequest.class).encode(noSampling))
        .isInstanceOf(RecordEncodingException.class).extracting("field").isEqualTo("GenerationRequest.sampling");

    TokenChunk holey = Fixtures.tokenChunk();
    holey.setTokens(Arrays.asList(1, null, 3));
    RecordEncodingException e2 = catchThrowableOfType(RecordEncodingException.class,
        () -> RecordCodec.of(TokenChunk.class).encode(holey));
    assertThat(e2.field()).isEqualTo("TokenChunk.tokens[1]");
    assertThat(e2.getMessage()).contains("TokenChunk.tokens[1]");
  }

  @Test
  void encodingNullIsATypedError() {
    assertThatThrownBy(() -> RecordCodec.of(GenerationRequest.class).encode(null))
        .isInstanceOf(RecordEncodingException.class).hasMessageContaining("null GenerationRequest");
  }
}
