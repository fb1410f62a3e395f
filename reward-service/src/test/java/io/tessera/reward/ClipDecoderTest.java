package io.tessera.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.generator.SequenceLayout;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.generator.world.Clip;
import io.tessera.generator.world.Detector;
import io.tessera.generator.world.Split;
import io.tessera.records.Task;
import io.tessera.reward.score.ScoringException;
import io.tessera.reward.score.ScoringInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Token streams back to clips, and the streams that must be refused with a reason. */
class ClipDecoderTest {
    final Tokenizers tokenizers = WorldClips.tokenizers();
    final ClipDecoder decoder = new ClipDecoder(tokenizers);

    @Test
    void aPerfectTextToVideoStreamDecodesToTheClip() {
        Clip c = WorldClips.clip(11, Split.HELD_OUT, 8);
        int[] tokens = WorldClips.textToVideoTokens(c);
        int[] withPartialFrame = Arrays.copyOf(tokens, tokens.length + 5);
        System.arraycopy(tokens, 0, withPartialFrame, tokens.length, 5);
        ScoringInput in = decoder.decode(Task.TEXT_TO_VIDEO, c.prompt(), null, withPartialFrame);
        assertThat(in.frames()).hasSize(8);
        assertThat(in.audio()).hasSize(8 * 2000);
        assertThat(Detector.detect(in.frames(), in.audio(), c.prompt()).adherence()).isEqualTo(1.0);
    }

    @Test
    void videoToAudioTakesItsFramesFromThePrefix() {
        Clip c = WorldClips.clip(12, Split.TRAIN, 6);
        SequenceLayout layout = new SequenceLayout(tokenizers.vocabulary());
        List<int[]> video = new ArrayList<>();
        c.frames().forEach(f -> video.add(tokenizers.encodeFrame(f)));
        int[] prefix = layout.prefix(Task.VIDEO_TO_AUDIO, new int[] {97, 98}, video, null);
        int[] audio = tokenizers.encodeAudio(c.audio());
        ScoringInput in = decoder.decode(Task.VIDEO_TO_AUDIO, c.prompt(), prefix, audio);
        assertThat(in.frames()).hasSize(6);
        assertThat(in.audio()).hasSize(6 * 2000);
        assertThatThrownBy(() -> decoder.decode(Task.VIDEO_TO_AUDIO, c.prompt(), new int[] {1, 2}, audio))
                .isInstanceOf(ScoringException.class).hasMessageContaining("prefix holds none");
    }

    @Test
    void streamsThatBreakTheLayoutAreRefusedWithThePosition() {
        Clip c = WorldClips.clip(13, Split.TRAIN, 2);
        int[] tokens = WorldClips.textToVideoTokens(c);
        int[] textInVideo = tokens.clone();
        textInVideo[3] = 65;
        assertThatThrownBy(() -> decoder.decode(Task.TEXT_TO_VIDEO, c.prompt(), null, textInVideo))
                .isInstanceOf(ScoringException.class)
                .hasMessageContaining("token 3 is 65").hasMessageContaining("a video token");
        int[] videoInAudio = tokens.clone();
        videoInAudio[16] = tokens[0];
        assertThatThrownBy(() -> decoder.decode(Task.TEXT_TO_VIDEO, c.prompt(), null, videoInAudio))
                .hasMessageContaining("token 16").hasMessageContaining("an audio token");
        int[] outside = tokens.clone();
        outside[0] = 999_999;
        assertThatThrownBy(() -> decoder.decode(Task.TEXT_TO_VIDEO, c.prompt(), null, outside))
                .hasMessageContaining("outside the vocabulary");
        assertThatThrownBy(() -> decoder.decode(Task.TEXT_TO_VIDEO, c.prompt(), null, Arrays.copyOf(tokens, 10)))
                .hasMessageContaining("less than one frame (17 tokens");
        assertThatThrownBy(() -> decoder.decode(Task.TEXT_TO_VIDEO, c.prompt(), null, new int[0]))
                .hasMessage("no generated tokens to score");
    }
}
