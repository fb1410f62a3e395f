package io.tessera.sinks;

import io.tessera.media.Png;
import io.tessera.media.Wav;
import io.tessera.records.Feedback;
import io.tessera.records.FeedbackKind;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.Reward;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.schemas.RecordCodec;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;

/** Deterministic records as the jobs write them, seeded by their ids. */
public final class TestRecords {

  public static final int SAMPLE_RATE = 16_000;
  /** Audio samples per chunk (one frame's worth at 8 fps). */
  public static final int CHUNK_SAMPLES = SAMPLE_RATE / 8;

  private TestRecords() {}

  /** A 32x24 PNG whose colour and a moving square depend on the request, sample and frame. */
  public static byte[] png(String requestId, int sample, int index) {
    BufferedImage img = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    int h = Math.abs(requestId.hashCode());
    g.setColor(new Color((h + 40 * sample) & 0xFF, (h >> 8) & 0xFF, (h >> 16) & 0xFF));
    g.fillRect(0, 0, 32, 24);
    g.setColor(Color.WHITE);
    g.fillRect((index * 5) % 28, 8, 4, 4);
    g.dispose();
    return Png.encode(img);
  }

  /** A sine chunk, pitch by sample, continuing its phase by chunk index. */
  public static byte[] wav(int sample, int index) {
    float[] s = new float[CHUNK_SAMPLES];
    double f = 220.0 * (1 + sample);
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) (0.5 * Math.sin(2 * Math.PI * f * (index * CHUNK_SAMPLES + i) / SAMPLE_RATE));
    }
    return Wav.encode(s, SAMPLE_RATE);
  }

  public static MediaChunk frame(String id, int sample, int index, int total, boolean last) {
    return MediaChunk.newBuilder()
        .setRequestId(id).setSampleIndex(sample).setKind(MediaKind.VIDEO_FRAME).setIndex(index).setTotal(total)
        .setContentType(Png.CONTENT_TYPE).setData(ByteBuffer.wrap(png(id, sample, index))).setPolicyVersion(3)
        .setFinal$(last).setProducedAtMs(1_700_000_000_000L)
        .build();
  }

  public static MediaChunk audio(String id, int sample, int index, int total, boolean last) {
    return MediaChunk.newBuilder()
        .setRequestId(id).setSampleIndex(sample).setKind(MediaKind.AUDIO).setIndex(index).setTotal(total)
        .setContentType(Wav.CONTENT_TYPE).setData(ByteBuffer.wrap(wav(sample, index))).setPolicyVersion(3)
        .setFinal$(last).setProducedAtMs(1_700_000_000_000L)
        .build();
  }

  /** A sample's stream as the decode job writes it: the frames, then the audio chunks, the last one final. */
  public static List<MediaChunk> sample(String id, int sample, int frames, int audioChunks) {
    List<MediaChunk> out = new java.util.ArrayList<>();
    for (int i = 0; i < frames; i++) {
      out.add(frame(id, sample, i, frames, audioChunks == 0 && i == frames - 1));
    }
    for (int i = 0; i < audioChunks; i++) {
      out.add(audio(id, sample, i, audioChunks, i == audioChunks - 1));
    }
    return out;
  }

  public static GenerationRequest request(String id, String prompt) {
    return GenerationRequest.newBuilder()
        .setRequestId(id).setTask(Task.TEXT_TO_VIDEO).setPrompt(prompt)
        .setSampling(SamplingParams.newBuilder().setTemperature(0.9f).setTopK(40).setSeed(7).setFrames(3)
            .setSamples(2).build())
        .setTenant("acme").setCreatedAtMs(1_700_000_000_000L)
        .build();
  }

  public static GenerationCompleted generation(String id, int sample, long policyVersion) {
    return GenerationCompleted.newBuilder()
        .setRequestId(id).setSampleIndex(sample).setSamples(2).setTask(Task.TEXT_TO_VIDEO).setPrompt("a red ball")
        .setTenant("acme").setPrefixTokens(List.of(1, 2, 3)).setTokens(List.of(100 + sample, 200, 300))
        .setLogprobs(List.of(-0.5f, -1f, -1.5f)).setPolicyVersion(policyVersion).setFirstPolicyVersion(policyVersion)
        .setModelId("m-1").setFinishReason(FinishReason.LENGTH).setSeed(7).setQueuedMs(4).setTimeToFirstTokenMs(12)
        .setTotalMs(250).setCompletedAtMs(1_700_000_001_000L)
        .build();
  }

  public static Reward reward(String id, int sample, long policyVersion, double total) {
    return Reward.newBuilder()
        .setRequestId(id).setSampleIndex(sample).setPolicyVersion(policyVersion).setTotal(total)
        .setComponents(Map.of("motion", total, "prompt", 1.0)).setScorerVersion("rules-1")
        .setScoredAtMs(1_700_000_002_000L)
        .build();
  }

  public static Feedback thumbsUp(String id, int sample, String user) {
    return Feedback.newBuilder()
        .setRequestId(id).setKind(FeedbackKind.THUMBS_UP).setSampleIndex(sample).setTenant("acme").setUser(user)
        .setCreatedAtMs(1_700_000_003_000L)
        .build();
  }

  public static Feedback preference(String id, int better, int worse, String user) {
    return Feedback.newBuilder()
        .setRequestId(id).setKind(FeedbackKind.PREFERENCE).setPreferredSample(better).setRejectedSample(worse)
        .setTenant("acme").setUser(user).setCreatedAtMs(1_700_000_004_000L)
        .build();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static byte[] encode(SpecificRecord record) {
    return RecordCodec.of((Class) record.getClass()).encode(record);
  }

  /** A record as the worker hands it to a task: string key, byte[] value. */
  public static SinkRecord sinkRecord(String topic, long offset, String key, byte[] value) {
    return new SinkRecord(topic, 0, Schema.OPTIONAL_STRING_SCHEMA, key, Schema.OPTIONAL_BYTES_SCHEMA, value, offset);
  }

  public static SinkRecord sinkRecord(String topic, long offset, SpecificRecord value, String key) {
    return sinkRecord(topic, offset, key, encode(value));
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
