package io.tessera.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tessera.records.GenerationRequest;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.RecordDecodingException.Problem;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JsonCodecTest {

  static List<SpecificRecord> records() {
    return Fixtures.all();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static JsonCodec<SpecificRecord> codecOf(SpecificRecord r) {
    return (JsonCodec) JsonCodec.of(r.getClass());
  }

  @ParameterizedTest
  @MethodSource("records")
  void everyRecordRoundTripsThroughJson(SpecificRecord record) {
    JsonCodec<SpecificRecord> codec = codecOf(record);
    String json = codec.toJson(record);
    assertThat(json).startsWith("{").doesNotContain("\n");
    assertThat(codec.fromJson(json)).isEqualTo(record);
    assertThat(codec.fromJson(codec.toJson(record, true))).isEqualTo(record);
  }

  @Test
  void jsonIsAvrosJsonEncoding() {
    String json = JsonCodec.of(GenerationRequest.class).toJson(Fixtures.request());
    assertThat(json)
        .contains("\"requestId\":\"" + Fixtures.REQUEST_ID + "\"")
        .contains("\"task\":\"IMAGE_TO_VIDEO\"")
        .contains("\"deadlineMs\":{\"long\":" + (Fixtures.NOW + 30_000) + "}")
        .contains("\"topK\":40");
    String chunk = JsonCodec.of(TokenChunk.class).toJson(Fixtures.tokenChunk());
    assertThat(chunk).contains("\"tokens\":[17,2047,0,33,1999,5]", "\"finishReason\":{\"io.tessera.records.FinishReason\":\"LENGTH\"}");
  }

  @Test
  void aMissingFieldIsNamed() {
    String json = JsonCodec.of(GenerationRequest.class).toJson(Fixtures.request())
        .replace("\"requestId\":\"" + Fixtures.REQUEST_ID + "\",", "");
    RecordDecodingException e = catchThrowableOfType(RecordDecodingException.class,
        () -> JsonCodec.of(GenerationRequest.class).fromJson(json));
    assertThat(e.problem()).isEqualTo(Problem.CORRUPT_BODY);
    assertThat(e.getMessage()).contains("requestId");
  }

  @Test
  void fieldsWithDefaultsMayBeLeftOut() {
    GenerationRequest r = JsonCodec.of(GenerationRequest.class).fromJson(
        "{\"requestId\": \"r-min\", \"task\": \"TEXT_TO_VIDEO\", \"sampling\": {\"frames\": 4},"
            + " \"somethingNewer\": true}");
    assertThat(r.getRequestId()).isEqualTo("r-min");
    assertThat(r.getPrompt()).isEmpty();
    assertThat(r.getTenant()).isEqualTo("default");
    assertThat(r.getDeadlineMs()).isNull();
    assertThat(r.getSampling().getFrames()).isEqualTo(4);
    assertThat(r.getSampling().getTemperature()).isEqualTo(1.0f);
    assertThat(r.getSampling().getSamples()).isEqualTo(1);

    var update = JsonCodec.of(io.tessera.records.PolicyUpdate.class).fromJson(
        "{\"policyName\": \"default\", \"version\": 3, \"sha256\": \"ab\"}");
    assertThat(update.getMetrics()).isEmpty();
    assertThat(update.getWeights()).isNull();
  }

  @Test
  void aMissingNestedFieldIsNamedByItsPath() {
    RecordDecodingException e = catchThrowableOfType(RecordDecodingException.class,
        () -> JsonCodec.of(GenerationRequest.class).fromJson("{\"requestId\": \"r\", \"task\": \"TEXT_TO_VIDEO\"}"));
    assertThat(e.problem()).isEqualTo(Problem.CORRUPT_BODY);
    assertThat(e.getMessage()).contains("GenerationRequest.sampling");
    assertThatThrownBy(() -> JsonCodec.of(GenerationRequest.class).fromJson("[1, 2]"))
        .isInstanceOf(RecordDecodingException.class).hasMessageContaining("must be an object");
  }

  @Test
  void aWrongTypeIsACorruptBody() {
    String json = JsonCodec.of(GenerationRequest.class).toJson(Fixtures.request())
        .replace("\"task\":\"IMAGE_TO_VIDEO\"", "\"task\":\"PAINT_A_PICTURE\"");
    RecordDecodingException e = catchThrowableOfType(RecordDecodingException.class,
        () -> JsonCodec.of(GenerationRequest.class).fromJson(json));
    assertThat(e.problem()).isEqualTo(Problem.CORRUPT_BODY);
    assertThat(e.getMessage()).contains("PAINT_A_PICTURE");
  }

  @Test
  void malformedTruncatedAndEmptyJsonAreTypedErrors() {
    JsonCodec<GenerationRequest> codec = JsonCodec.of(GenerationRequest.class);
    String json = codec.toJson(Fixtures.request());
    assertThatThrownBy(() -> codec.fromJson("not json at all")).isInstanceOf(RecordDecodingException.class)
        .extracting("problem").isEqualTo(Problem.CORRUPT_BODY);
    assertThatThrownBy(() -> codec.fromJson(json.substring(0, json.length() / 2)))
        .isInstanceOf(RecordDecodingException.class)
        .extracting("problem").isIn(Problem.TRUNCATED, Problem.CORRUPT_BODY);
    assertThatThrownBy(() -> codec.fromJson("  ")).extracting("problem").isEqualTo(Problem.NULL_OR_EMPTY);
    assertThatThrownBy(() -> codec.fromJson(null)).extracting("problem").isEqualTo(Problem.NULL_OR_EMPTY);
  }

  @Test
  void encodingARecordWithANullRequiredFieldNamesIt() {
    GenerationRequest r = Fixtures.request();
    r.setPrompt(null);
    assertThatThrownBy(() -> JsonCodec.of(GenerationRequest.class).toJson(r))
        .isInstanceOf(RecordEncodingException.class).hasMessageContaining("GenerationRequest.prompt");
  }
}
