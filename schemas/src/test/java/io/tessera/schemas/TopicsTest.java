package io.tessera.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.records.DeadLetter;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.PolicyUpdate;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class TopicsTest {

  @Test
  void theTenTopicsHaveUniqueNamesAndTheContractedTypes() {
    assertThat(Topics.ALL).hasSize(10);
    assertThat(Topics.ALL).extracting(Topic::name).doesNotHaveDuplicates().containsExactly(
        "tessera.prompts", "tessera.media.in", "tessera.control", "tessera.tokens", "tessera.generations",
        "tessera.media.out", "tessera.rewards", "tessera.feedback", "tessera.policy", "tessera.dlq");
    assertThat(Topics.PROMPTS.valueType()).isEqualTo(GenerationRequest.class);
    assertThat(Topics.MEDIA_IN.valueType()).isEqualTo(MediaChunk.class);
    assertThat(Topics.MEDIA_OUT.valueType()).isEqualTo(MediaChunk.class);
    assertThat(Topics.POLICY.valueType()).isEqualTo(PolicyUpdate.class);
    assertThat(Topics.DLQ.valueType()).isEqualTo(DeadLetter.class);
    assertThat(Topics.byName("tessera.tokens")).contains(Topics.TOKENS);
    assertThat(Topics.byName("nope")).isEmpty();
  }

  @Test
  void partitionsAndConfigs() {
    for (Topic<?> t : Topics.ALL) {
      assertThat(t.partitions()).as(t.name()).isEqualTo(t == Topics.POLICY ? 1 : 4);
      assertThat(t.configs()).as(t.name()).containsKey("cleanup.policy");
      assertThat(t.maxMessageBytes()).as(t.name()).isGreaterThanOrEqualTo(8 * 1024 * 1024);
      if (t != Topics.POLICY) {
        assertThat(t.configs()).as(t.name()).containsEntry("cleanup.policy", "delete").containsKey("retention.ms");
      }
    }
    assertThat(Topics.POLICY.maxMessageBytes()).isEqualTo(64 * 1024 * 1024);
    assertThat(Topics.POLICY.configs()).containsEntry("cleanup.policy", "compact");
    assertThat(Long.parseLong(Topics.POLICY.configs().get("segment.bytes")))
        .isGreaterThanOrEqualTo(Topics.POLICY.maxMessageBytes());
  }

  @Test
  void everyRecordIsKeyedByRequestIdExceptPolicyUpdates() {
    for (SpecificRecord r : Fixtures.all()) {
      String expected = r instanceof PolicyUpdate p ? p.getPolicyName() : Fixtures.REQUEST_ID;
      assertThat(TopicKeys.keyOf(r)).as(r.getSchema().getName()).isEqualTo(expected);
    }
    assertThat(Topics.PROMPTS.keyBytesOf(Fixtures.request()))
        .isEqualTo(Fixtures.REQUEST_ID.getBytes(StandardCharsets.UTF_8));
    DeadLetter anonymous = Fixtures.deadLetter();
    anonymous.setRequestId(null);
    assertThat(Topics.DLQ.keyBytesOf(anonymous)).isNull();
    assertThatThrownBy(() -> TopicKeys.keyOf("a string")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyTopicHasAWorkingCodecAndSerde() {
    for (Topic<?> t : Topics.ALL) {
      assertThat(t.codec().type()).isEqualTo(t.valueType());
      assertThat(t.serde().codec()).isSameAs(t.codec());
    }
  }

  @Test
  void descriptorsAreValidated() {
    assertThatThrownBy(() -> new Topic<>("x", GenerationRequest.class, 0, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitions");
    assertThatThrownBy(() -> new Topic<>(" ", GenerationRequest.class, 1, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
