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
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The key contract of every topic: keys are UTF-8 strings; the key is the record's {@code requestId} so all records
 * of one request land in one partition in order, except on tessera.policy where it is the {@code policyName}.
 * A DeadLetter is keyed by its requestId when the failing stage knew it, otherwise it has no key (null).
 */
public final class TopicKeys {

  /** Keys are serialised as UTF-8 (Kafka's StringSerializer default). */
  public static final Charset KEY_CHARSET = StandardCharsets.UTF_8;

  private TopicKeys() {}

  /** The key of a record of any Tessera topic; null only for a DeadLetter without a requestId. */
  public static String keyOf(Object record) {
    if (record == null) {
      throw new IllegalArgumentException("cannot key a null record");
    }
    if (record instanceof GenerationRequest r) {
      return r.getRequestId();
    } else if (record instanceof MediaChunk r) {
      return r.getRequestId();
    } else if (record instanceof Cancel r) {
      return r.getRequestId();
    } else if (record instanceof TokenChunk r) {
      return r.getRequestId();
    } else if (record instanceof GenerationCompleted r) {
      return r.getRequestId();
    } else if (record instanceof Reward r) {
      return r.getRequestId();
    } else if (record instanceof Feedback r) {
      return r.getRequestId();
    } else if (record instanceof PolicyUpdate r) {
      return r.getPolicyName();
    } else if (record instanceof DeadLetter r) {
      return r.getRequestId();
    }
    throw new IllegalArgumentException("not a Tessera topic record: " + record.getClass().getName());
  }
}
