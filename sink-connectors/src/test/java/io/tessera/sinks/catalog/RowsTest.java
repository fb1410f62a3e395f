package io.tessera.sinks.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.records.Feedback;
import io.tessera.records.FeedbackKind;
import io.tessera.records.GenerationRequest;
import io.tessera.sinks.TestRecords;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class RowsTest {

  @Test
  void generationRowCarriesPolicyTokensAndTimes() throws Exception {
    Row r = Rows.generation(TestRecords.generation("r1", 1, 5), null);
    assertThat(r.key()).containsExactly("r1", 1);
    assertThat(r.values()[6]).isEqualTo(5L);                 // policy_version
    assertThat(r.values()[11]).isEqualTo(3);                 // prefix_token_count
    assertThat((Double) r.values()[13]).isEqualTo(-1.0);      // mean_logprob of -0.5, -1, -1.5
    assertThat((Integer[]) r.values()[14]).containsExactly(101, 200, 300);
    assertThat((OffsetDateTime) r.values()[18]).isEqualTo("2023-11-14T22:13:21Z");
  }

  @Test
  void unknownTimesAreNull() throws Exception {
    Row r = Rows.request(GenerationRequest.newBuilder(TestRecords.request("r1", "p")).setCreatedAtMs(0).build(), null);
    assertThat(r.values()[14]).isNull();
  }

  @Test
  void feedbackKeyTellsJudgementsApart() throws Exception {
    Row thumb = Rows.feedback(TestRecords.thumbsUp("r1", 1, "ann"), null);
    Row pref = Rows.feedback(TestRecords.preference("r1", 1, 0, "ann"), null);
    assertThat(thumb.key()).containsExactly("r1", "ann", "THUMBS_UP", 1, -1, -1);
    assertThat(pref.key()).containsExactly("r1", "ann", "PREFERENCE", 0, 1, 0);
  }

  @Test
  void incompleteJudgementsAreRefusedWithAReason() {
    Feedback noPair = Feedback.newBuilder(TestRecords.preference("r1", 1, 0, "ann")).setRejectedSample(null).build();
    assertThatThrownBy(() -> Rows.feedback(noPair, null)).hasMessageContaining("rejectedSample");
    Feedback noRating = Feedback.newBuilder(TestRecords.thumbsUp("r1", 0, "ann")).setKind(FeedbackKind.RATING).build();
    assertThatThrownBy(() -> Rows.feedback(noRating, null)).hasMessageContaining("no rating");
    assertThatThrownBy(() -> Rows.generation(TestRecords.generation("", 0, 1), null))
        .hasMessageContaining("requestId is empty");
  }
}
