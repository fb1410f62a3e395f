package io.tessera.sinks.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.records.Feedback;
import io.tessera.records.FeedbackKind;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.Reward;
import io.tessera.records.SamplingParams;
import io.tessera.schemas.RecordCodec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Decodes a record of one of the catalog's topics and maps it to its {@link Row}. Every failure is a
 * {@link BadRecord} whose message is the dead-letter reason.
 */
final class Rows {

  /** Records that decode but are not rows: the message says why. */
  static final class BadRecord extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient String requestId;

    BadRecord(String message, String requestId, Throwable cause) {
      super(message, cause);
      this.requestId = requestId;
    }

    String requestId() {
      return requestId;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Feedback columns that are not about a pair of samples. */
  static final int NOT_A_PREFERENCE = -1;

  private Rows() {}

  static Row of(CatalogTable table, byte[] value, SinkRecord source) throws BadRecord {
    try {
      return switch (table) {
        case REQUESTS -> request(RecordCodec.of(GenerationRequest.class).decode(value), source);
        case GENERATIONS -> generation(RecordCodec.of(GenerationCompleted.class).decode(value), source);
        case REWARDS -> reward(RecordCodec.of(Reward.class).decode(value), source);
        case FEEDBACK -> feedback(RecordCodec.of(Feedback.class).decode(value), source);
      };
    } catch (RuntimeException e) {
      throw new BadRecord("not a record for table " + table.tableName() + ": " + e.getMessage(), null, e);
    }
  }

  static Row request(GenerationRequest r, SinkRecord source) throws BadRecord {
    String id = requireId(r.getRequestId());
    SamplingParams s = r.getSampling();
    return new Row(CatalogTable.REQUESTS, new Object[] {
        id, r.getTenant(), r.getTask().name(), r.getPrompt(), r.getConditioningFrames(),
        r.getConditioningAudioChunks(), s.getTemperature(), s.getTopK(), s.getTopP(), s.getGuidanceScale(),
        s.getSeed(), s.getFrames(), s.getSamples(), time(r.getDeadlineMs()), time(r.getCreatedAtMs())}, source, id);
  }

  static Row generation(GenerationCompleted g, SinkRecord source) throws BadRecord {
    String id = requireId(g.getRequestId());
    requireSample(g.getSampleIndex(), id);
    List<Integer> tokens = g.getTokens();
    return new Row(CatalogTable.GENERATIONS, new Object[] {
        id, g.getSampleIndex(), g.getSamples(), g.getTenant(), g.getTask().name(), g.getPrompt(),
        g.getPolicyVersion(), g.getFirstPolicyVersion(), g.getModelId(), g.getFinishReason().name(), g.getSeed(),
        g.getPrefixTokens().size(), tokens.size(), mean(g.getLogprobs()), tokens.toArray(new Integer[0]),
        g.getQueuedMs(), g.getTimeToFirstTokenMs(), g.getTotalMs(), time(g.getCompletedAtMs())}, source, id);
  }

  static Row reward(Reward r, SinkRecord source) throws BadRecord {
    String id = requireId(r.getRequestId());
    requireSample(r.getSampleIndex(), id);
    if (!Double.isFinite(r.getTotal())) {
      throw new BadRecord("reward total of " + id + " is " + r.getTotal() + ", not a finite number", id, null);
    }
    Map<String, Double> components = new TreeMap<>();
    for (Map.Entry<String, Double> e : r.getComponents().entrySet()) {
      if (e.getValue() == null || !Double.isFinite(e.getValue())) {
        throw new BadRecord("reward component " + e.getKey() + " of " + id + " is " + e.getValue()
            + ", not a finite number", id, null);
      }
      components.put(e.getKey(), e.getValue());
    }
    String json;
    try {
      json = JSON.writeValueAsString(components);
    } catch (JsonProcessingException e) {
      throw new BadRecord("reward components of " + id + " are not JSON: " + e.getMessage(), id, e);
    }
    return new Row(CatalogTable.REWARDS, new Object[] {
        id, r.getSampleIndex(), r.getPolicyVersion(), r.getTotal(), new Row.Json(json), r.getScorerVersion(),
        time(r.getScoredAtMs())}, source, id);
  }

  static Row feedback(Feedback f, SinkRecord source) throws BadRecord {
    String id = requireId(f.getRequestId());
    requireSample(f.getSampleIndex(), id);
    boolean preference = f.getKind() == FeedbackKind.PREFERENCE;
    if (preference && (f.getPreferredSample() == null || f.getRejectedSample() == null)) {
      throw new BadRecord("PREFERENCE feedback on " + id + " needs preferredSample and rejectedSample", id, null);
    }
    if (f.getKind() == FeedbackKind.RATING && f.getRating() == null) {
      throw new BadRecord("RATING feedback on " + id + " has no rating", id, null);
    }
    return new Row(CatalogTable.FEEDBACK, new Object[] {
        id, f.getUser(), f.getKind().name(), f.getSampleIndex(),
        preference ? f.getPreferredSample() : NOT_A_PREFERENCE, preference ? f.getRejectedSample() : NOT_A_PREFERENCE,
        f.getTenant(), f.getRating(), time(f.getCreatedAtMs())}, source, id);
  }

  private static String requireId(String id) throws BadRecord {
    if (id == null || id.isBlank()) {
      throw new BadRecord("requestId is empty", null, null);
    }
    return id;
  }

  private static void requireSample(int sampleIndex, String id) throws BadRecord {
    if (sampleIndex < 0) {
      throw new BadRecord("sampleIndex " + sampleIndex + " of " + id + " is negative", id, null);
    }
  }

  /** Epoch millis as a timestamp; 0 or less (unknown) as NULL. */
  static OffsetDateTime time(Long epochMs) {
    return epochMs == null || epochMs <= 0 ? null : Instant.ofEpochMilli(epochMs).atOffset(ZoneOffset.UTC);
  }

  private static Double mean(List<Float> xs) {
    if (xs == null || xs.isEmpty()) {
      return null;
    }
    double sum = 0;
    for (Float x : xs) {
      sum += x;
    }
    double m = sum / xs.size();
    return Double.isFinite(m) ? m : null;
  }
}
