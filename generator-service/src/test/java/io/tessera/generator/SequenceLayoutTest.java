package io.tessera.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.generator.engine.TokenGrammar;
import io.tessera.generator.tokenize.Special;
import io.tessera.generator.tokenize.TextTokenizer;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.generator.tokenize.Vocabulary;
import io.tessera.records.Task;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceLayoutTest {
    final Vocabulary v = Tokenizers.loadDefault().vocabulary();
    final SequenceLayout layout = new SequenceLayout(v);
    final int[] text = TextTokenizer.encode("a red circle moving left");
    final int[] frame = filled(16, v.video(5));

    @Test
    void perFrameCountsAndRates() {
        assertThat(layout.videoTokensPerFrame()).isEqualTo(16);
        assertThat(layout.audioTokensPerFrame()).isEqualTo(1);
        assertThat(layout.audioSampleRate()).isEqualTo(16_000);
        assertThat(layout.framesPerSecond()).isEqualTo(8);
        assertThat(layout.generatedTokensPerFrame(Task.TEXT_TO_VIDEO)).isEqualTo(17);
        assertThat(layout.generatedTokensPerFrame(Task.IMAGE_TO_VIDEO)).isEqualTo(17);
        assertThat(layout.generatedTokensPerFrame(Task.VIDEO_CONTINUATION)).isEqualTo(17);
        assertThat(layout.generatedTokensPerFrame(Task.VIDEO_TO_AUDIO)).isEqualTo(1);
    }

    @Test
    void videoTaskGrammarIsSixteenVideoThenOneAudio() {
        for (Task t : List.of(Task.TEXT_TO_VIDEO, Task.IMAGE_TO_VIDEO, Task.VIDEO_CONTINUATION)) {
            TokenGrammar g = layout.grammar(t);
            assertThat(g.period()).isEqualTo(17);
            for (int p = 0; p < 3 * 17; p++) {
                boolean audio = p % 17 == 16;
                assertThat(g.lowerBound(p)).isEqualTo(audio ? v.audioBase() : v.videoBase());
                assertThat(g.upperBound(p)).isEqualTo(audio ? v.specialBase() : v.audioBase());
            }
        }
        TokenGrammar a = layout.grammar(Task.VIDEO_TO_AUDIO);
        assertThat(a.period()).isEqualTo(1);
        assertThat(a.lowerBound(7)).isEqualTo(v.audioBase());
        assertThat(a.upperBound(7)).isEqualTo(v.specialBase());
    }

    @Test
    void prefixesFollowTheDocumentedLayout() {
        int[] head = {v.id(Special.BOS), 0, v.id(Special.BOT)};
        int[] t2v = layout.prefix(Task.TEXT_TO_VIDEO, text, List.of(), null);
        assertThat(t2v).hasSize(5 + text.length);
        assertThat(t2v[1]).isEqualTo(v.task(Task.TEXT_TO_VIDEO));
        assertThat(t2v[0]).isEqualTo(head[0]);
        assertThat(Arrays.copyOfRange(t2v, 3, 3 + text.length)).isEqualTo(text);
        assertThat(t2v[t2v.length - 2]).isEqualTo(v.id(Special.EOT));
        assertThat(t2v[t2v.length - 1]).isEqualTo(v.id(Special.BOV));

        int[] i2v = layout.prefix(Task.IMAGE_TO_VIDEO, text, List.of(frame, frame), null);
        assertThat(i2v).hasSize(5 + text.length + 17);
        assertThat(i2v[i2v.length - 1]).isEqualTo(v.audio(0));

        int[] cont = layout.prefix(Task.VIDEO_CONTINUATION, text, List.of(frame, frame, frame), new int[] {v.audio(3)});
        assertThat(cont).hasSize(5 + text.length + 3 * 17);
        int base = 5 + text.length;
        assertThat(cont[base + 16]).isEqualTo(v.audio(3));
        assertThat(cont[base + 33]).isEqualTo(v.audio(0));

        int[] v2a = layout.prefix(Task.VIDEO_TO_AUDIO, text, List.of(frame, frame), null);
        assertThat(v2a).hasSize(5 + text.length + 32 + 2);
        assertThat(v2a[v2a.length - 2]).isEqualTo(v.id(Special.EOV));
        assertThat(v2a[v2a.length - 1]).isEqualTo(v.id(Special.BOA));
    }

    @Test
    void badConditioningIsRejected() {
        assertThatThrownBy(() -> layout.prefix(Task.IMAGE_TO_VIDEO, text, List.of(), null))
                .hasMessageContaining("conditioning frame");
        assertThatThrownBy(() -> layout.prefix(Task.VIDEO_CONTINUATION, text, List.of(new int[3]), null))
                .hasMessageContaining("16 video ids");
        assertThatThrownBy(() -> layout.prefix(Task.VIDEO_TO_AUDIO, text, List.of(filled(16, 7)), null))
                .hasMessageContaining("not a video token");
    }

    @Test
    void generatedStreamsSplitIntoFrames() {
        int[] gen = new int[2 * 17];
        for (int i = 0; i < gen.length; i++) {
            gen[i] = i % 17 == 16 ? v.audio(i / 17 + 1) : v.video(i);
        }
        assertThat(layout.videoOfFrame(Task.TEXT_TO_VIDEO, gen, 1)).containsExactly(
                Arrays.copyOfRange(gen, 17, 33));
        assertThat(layout.audioOf(Task.TEXT_TO_VIDEO, gen)).containsExactly(v.audio(1), v.audio(2));
        assertThat(layout.audioOf(Task.VIDEO_TO_AUDIO, new int[] {v.audio(4), v.audio(5)}))
                .containsExactly(v.audio(4), v.audio(5));
    }

    static int[] filled(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }
}
