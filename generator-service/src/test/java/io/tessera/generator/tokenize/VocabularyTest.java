package io.tessera.generator.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.records.Task;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    @Test
    void rangesAreDisjointAndCoverTheIdSpace() {
        Vocabulary v = Tokenizers.loadDefault().vocabulary();
        for (int id = 0; id < v.size(); id++) {
            int kinds = (v.isText(id) ? 1 : 0) + (v.isVideo(id) ? 1 : 0) + (v.isAudio(id) ? 1 : 0) + (v.isSpecial(id) ? 1 : 0);
            assertThat(kinds).as("id %d", id).isEqualTo(1);
        }
        assertThat(v.isText(-1) || v.isSpecial(v.size())).isFalse();
        Set<Integer> tasks = new HashSet<>();
        for (Task t : Task.values()) {
            assertThat(v.isSpecial(v.task(t))).isTrue();
            tasks.add(v.task(t));
        }
        assertThat(tasks).hasSize(4);
        assertThat(v.size()).isEqualTo(256 + v.videoCodes() + v.audioCodes() + Special.values().length);
        assertThat(v.describe(v.id(Special.BOS))).isEqualTo("<BOS>");
        assertThatThrownBy(() -> v.videoCode(3)).hasMessageContaining("not a video token");
    }

    @Test
    void textIsUtf8Bytes() {
        assertThat(TextTokenizer.encode("aé")).containsExactly(97, 0xc3, 0xa9);
        assertThat(TextTokenizer.decode(TextTokenizer.encode("a red circle ✓"))).isEqualTo("a red circle ✓");
        assertThat(TextTokenizer.encode("x".repeat(500))).hasSize(TextTokenizer.MAX_BYTES);
        assertThat(TextTokenizer.encode(null)).isEmpty();
    }
}
