package io.tessera.generator.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.generator.world.Clip;
import io.tessera.generator.world.ClipRenderer;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.DetectionReport;
import io.tessera.generator.world.Detector;
import io.tessera.generator.world.Split;
import org.junit.jupiter.api.Test;

class AudioTokenizerTest {
    /** Measured ~0.1 dB on held-out clips when the tokenizer was built (README). */
    static final double LSD_CEILING_DB = 0.5;

    final AudioTokenizer audio = Tokenizers.loadDefault().audio();

    @Test
    void roundTripKeepsTonesAndClicks() {
        double lsd = 0;
        int clips = 100;
        int tones = 0;
        int clicks = 0;
        for (int s = 0; s < clips; s++) {
            Clip c = ClipRenderer.render(ClipSpec.random(TrainTokenizers.EVAL_SEED_BASE + s, Split.HELD_OUT));
            int[] codes = audio.encode(c.audio());
            assertThat(codes).hasSize(c.frames().size());
            float[] back = audio.decode(codes);
            assertThat(back).hasSize(c.audio().length);
            lsd += AudioTokenizer.logSpectralDistance(c.audio(), back);
            DetectionReport r = Detector.detect(c.frames(), back, c.prompt());
            tones += r.toneAdherence() == 1.0 ? 1 : 0;
            clicks += r.clickFrames().equals(c.bounceFrames()) ? 1 : 0;
        }
        System.out.printf("audio tokenizer round trip on %d held-out clips: LSD %.3f dB, tones right %d, clicks right %d%n",
                clips, lsd / clips, tones, clicks);
        assertThat(lsd / clips).isLessThan(LSD_CEILING_DB);
        assertThat(tones).isEqualTo(clips);
        assertThat(clicks).isEqualTo(clips);
    }

    @Test
    void anyWavIsResampledAndSilenceIsCodeZero() {
        int sr = 44_100;
        float[] x = new float[sr];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 440 * i / sr));
        }
        int[] codes = audio.encode(x, sr);
        assertThat(codes).hasSize(8);
        assertThat(java.util.Arrays.stream(codes).allMatch(c -> c > 0 && c < audio.codebookSize())).isTrue();
        assertThat(audio.encode(new float[4000])).containsExactly(0, 0);
        assertThat(audio.decode(new int[] {0, 0})).containsOnly(0f);
        assertThatThrownBy(() -> audio.decode(new int[] {audio.codebookSize()})).hasMessageContaining("outside");
        assertThatThrownBy(() -> audio.encode(x, 0)).hasMessageContaining("sample rate");
    }
}
