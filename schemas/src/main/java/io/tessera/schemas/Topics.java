package io.tessera.schemas;

import io.tessera.records.Cancel;
import io.tessera.records.DeadLetter;
import io.tessera.records.Feedback;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.PolicyUpdate;
import io.tessera.records.Reward;
import io.tessera.records.TokenChunk;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every topic of Tessera, in one place. Key and value types, partition counts and configs are part of the contract;
 * the README of this module has the same table for people.
 */
public final class Topics {

  /** Partitions of every per-request topic: records of one request share a key and so land in one partition. */
  public static final int REQUEST_PARTITIONS = 4;
  /** tessera.policy has one partition so every generator sees the versions of a policy in order. */
  public static final int POLICY_PARTITIONS = 1;

  /** Kafka's broker default for message.max.bytes (1 MiB + batch overhead), used when a topic sets none. */
  static final int DEFAULT_BROKER_MAX_MESSAGE_BYTES = 1_048_588;
  /** Media topics and everything else per request: one PNG frame or one WAV chunk per record, with headroom. */
  public static final int MEDIA_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
  /** Inline policy weights: the default model's parameters are a few MiB to tens of MiB. */
  public static final int POLICY_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  static final long HOUR_MS = 3_600_000L;
  static final long DAY_MS = 24 * HOUR_MS;
  /** Per-request topics: long enough to replay a week of traffic into the RL loop, short enough to stay small. */
  static final long REQUEST_RETENTION_MS = 7 * DAY_MS;
  /** Dead letters are for people to look at; keep them longer. */
  static final long DLQ_RETENTION_MS = 30 * DAY_MS;

  private static Map<String, String> requestConfigs() {
    return Map.of(
        "cleanup.policy", "delete",
        "retention.ms", Long.toString(REQUEST_RETENTION_MS),
        Topic.MAX_MESSAGE_BYTES, Integer.toString(MEDIA_MAX_MESSAGE_BYTES));
  }

  private static <V extends SpecificRecord> Topic<V> perRequest(String name, Class<V> type) {
    return new Topic<>(name, type, REQUEST_PARTITIONS, requestConfigs());
  }

  /** Prompts, key requestId. */
  public static final Topic<GenerationRequest> PROMPTS = perRequest("tessera.prompts", GenerationRequest.class);
  /** Conditioning media following a prompt, key requestId. */
  public static final Topic<MediaChunk> MEDIA_IN = perRequest("tessera.media.in", MediaChunk.class);
  /** Cancellations, key requestId. */
  public static final Topic<Cancel> CONTROL = perRequest("tessera.control", Cancel.class);
  /** Token chunks as they are sampled, key requestId. */
  public static final Topic<TokenChunk> TOKENS = perRequest("tessera.tokens", TokenChunk.class);
  /** Finished samples, key requestId. */
  public static final Topic<GenerationCompleted> GENERATIONS =
      perRequest("tessera.generations", GenerationCompleted.class);
  /** Decoded frames and audio, key requestId. */
  public static final Topic<MediaChunk> MEDIA_OUT = perRequest("tessera.media.out", MediaChunk.class);
  /** Scores of samples, key requestId. */
  public static final Topic<Reward> REWARDS = perRequest("tessera.rewards", Reward.class);
  /** User judgements, key requestId. */
  public static final Topic<Feedback> FEEDBACK = perRequest("tessera.feedback", Feedback.class);

  /**
   * Policy weights, key policy name. Compacted: only the newest version of each policy matters, and a generator
   * started weeks later must still find it, which time-based retention would not guarantee. Segments are kept small
   * so superseded weights are cleaned soon after a few newer versions arrive.
   */
  public static final Topic<PolicyUpdate> POLICY = new Topic<>("tessera.policy", PolicyUpdate.class,
      POLICY_PARTITIONS, Map.of(
          "cleanup.policy", "compact",
          "min.cleanable.dirty.ratio", "0.1",
          "segment.bytes", Integer.toString(4 * POLICY_MAX_MESSAGE_BYTES),
          "segment.ms", Long.toString(DAY_MS),
          Topic.MAX_MESSAGE_BYTES, Integer.toString(POLICY_MAX_MESSAGE_BYTES)));

  /** Records a stage could not process, key requestId when known (else no key). */
  public static final Topic<DeadLetter> DLQ = new Topic<>("tessera.dlq", DeadLetter.class, REQUEST_PARTITIONS,
      Map.of(
          "cleanup.policy", "delete",
          "retention.ms", Long.toString(DLQ_RETENTION_MS),
          // A dead letter carries the original bytes of a media chunk plus its own fields.
          Topic.MAX_MESSAGE_BYTES, Integer.toString(MEDIA_MAX_MESSAGE_BYTES + 64 * 1024)));

  /** Every topic, in pipeline order. */
  public static final List<Topic<?>> ALL = List.of(
      PROMPTS, MEDIA_IN, CONTROL, TOKENS, GENERATIONS, MEDIA_OUT, REWARDS, FEEDBACK, POLICY, DLQ);

  private Topics() {}

  /** The topic with this name, if it is one of Tessera's. */
  public static Optional<Topic<?>> byName(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
