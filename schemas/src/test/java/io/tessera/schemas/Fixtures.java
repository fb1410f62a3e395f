package io.tessera.schemas;

import io.tessera.records.Cancel;
import io.tessera.records.DeadLetter;
import io.tessera.records.Feedback;
import io.tessera.records.FeedbackKind;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.PolicyUpdate;
import io.tessera.records.Reward;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;

/** A realistic instance of every topic record, with optional fields set and non-ASCII text. */
final class Fixtures {

  static final long NOW = 1_795_000_000_000L;
  static final String REQUEST_ID = "req-7f3a9c2e-0b1d-4e8f-9a6b-5c4d3e2f1a0b";

  private Fixtures() {}

  static GenerationRequest request() {
    return GenerationRequest.newBuilder()
        .setRequestId(REQUEST_ID)
        .setTask(Task.IMAGE_TO_VIDEO)
        .setPrompt("a red circle moving left — über die Brücke 🚲")
        .setConditioningFrames(2)
        .setConditioningAudioChunks(0)
        .setSampling(SamplingParams.newBuilder().setTemperature(0.8f).setTopK(40).setTopP(0.95f)
            .setGuidanceScale(3.0f).setSeed(-1234567890123L).setFrames(16).setSamples(4).build())
        .setTenant("acme")
        .setDeadlineMs(NOW + 30_000)
        .setCreatedAtMs(NOW)
        .build();
  }

  static MediaChunk mediaChunk() {
    byte[] png = new byte[3000];
    new Random(7).nextBytes(png);
    return MediaChunk.newBuilder().setRequestId(REQUEST_ID).setSampleIndex(1).setKind(MediaKind.VIDEO_FRAME)
        .setIndex(5).setTotal(16).setContentType("image/png").setData(ByteBuffer.wrap(png))
        .setPolicyVersion(42).setFinal$(false).setProducedAtMs(NOW + 900).build();
  }

  static Cancel cancel() {
    return Cancel.newBuilder().setRequestId(REQUEST_ID).setReason("user pressed stop").setTenant("acme")
        .setRequestedAtMs(NOW + 1500).build();
  }

  static TokenChunk tokenChunk() {
    return TokenChunk.newBuilder().setRequestId(REQUEST_ID).setSampleIndex(3).setSeq(7).setTask(Task.TEXT_TO_VIDEO)
        .setFirstPosition(112).setFrameIndex(6).setTokens(List.of(17, 2047, 0, 33, 1999, 5))
        .setLogprobs(List.of(-0.01f, -2.5f, -0.3f, -7.25f, -0.0001f, -1.0f)).setPolicyVersion(42)
        .setFinal$(true).setFinishReason(FinishReason.LENGTH).setEmittedAtMs(NOW + 2000).build();
  }

  static GenerationCompleted completed() {
    return GenerationCompleted.newBuilder().setRequestId(REQUEST_ID).setSampleIndex(3).setSamples(4)
        .setTask(Task.VIDEO_CONTINUATION).setPrompt("waves at dusk").setTenant("acme")
        .setPrefixTokens(List.of(1, 2, 300, 301)).setTokens(List.of(17, 2047, 0, 33))
        .setLogprobs(List.of(-0.5f, -1.5f, -0.25f, -3f)).setPolicyVersion(43).setFirstPolicyVersion(42)
        .setModelId("sha256:0f1e2d3c").setFinishReason(FinishReason.END_OF_SEQUENCE).setSeed(99)
        .setQueuedMs(3).setTimeToFirstTokenMs(41).setTotalMs(870).setCompletedAtMs(NOW + 3000).build();
  }

  static Reward reward() {
    return Reward.newBuilder().setRequestId(REQUEST_ID).setSampleIndex(3).setPolicyVersion(43).setTotal(0.71)
        .setComponents(Map.of("prompt_match", 0.8, "temporal_coherence", 0.6, "audio_sync", 0.75))
        .setScorerVersion("scorers-1.2").setScoredAtMs(NOW + 4000).build();
  }

  static Feedback feedback() {
    return Feedback.newBuilder().setRequestId(REQUEST_ID).setKind(FeedbackKind.PREFERENCE).setSampleIndex(0)
        .setRating(null).setPreferredSample(2).setRejectedSample(0).setTenant("acme").setUser("u-19")
        .setCreatedAtMs(NOW + 60_000).build();
  }

  static PolicyUpdate policyUpdate() {
    byte[] weights = new byte[64 * 1024];
    new Random(11).nextBytes(weights);
    return PolicyUpdate.newBuilder().setPolicyName("default").setVersion(44).setBaseVersion(43)
        .setModelId("sha256:0f1e2d3c").setWeights(ByteBuffer.wrap(weights)).setUri(null)
        .setSha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        .setMetrics(Map.of("reward_mean", 0.64, "kl", 0.012)).setCreatedAtMs(NOW + 90_000).build();
  }

  static DeadLetter deadLetter() {
    return DeadLetter.newBuilder().setSourceTopic("tessera.prompts").setPartition(2).setOffset(1234)
        .setKey(ByteBuffer.wrap(REQUEST_ID.getBytes(StandardCharsets.UTF_8)))
        .setValue(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 0x00, 0x7F}))
        .setStage("GenerationJob/decode-prompts").setReason("TRUNCATED: 4 bytes end inside the header")
        .setErrorClass(RecordDecodingException.class.getName()).setRequestId(REQUEST_ID)
        .setFailedAtMs(NOW + 5).build();
  }

  /** One instance of every value type of {@link Topics#ALL}. */
  static List<SpecificRecord> all() {
    return List.of(request(), mediaChunk(), cancel(), tokenChunk(), completed(), reward(), feedback(),
        policyUpdate(), deadLetter());
  }
}
