package io.tessera.generator.tokenize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.generator.world.Clip;
import io.tessera.generator.world.ClipRenderer;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.Detector;
import io.tessera.generator.world.Split;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class VideoTokenizerTest {
    /** Measured 32.9 dB for the shipped tokenizer on these 100 held-out clips (README). */
    static final double PSNR_FLOOR_DB = 32.5;

    final Tokenizers tokenizers = Tokenizers.loadDefault();
    final VideoTokenizer video = tokenizers.video();

    @Test
    void roundTripOnHeldOutClipsKeepsPsnrAndWhatTheDetectorSees() {
        double mse = 0;
        int frames = 0;
        double adherence = 0;
        int clips = 100;
        for (int s = 0; s < clips; s++) {
            Clip c = ClipRenderer.render(ClipSpec.random(TrainTokenizers.EVAL_SEED_BASE + s, Split.HELD_OUT));
            List<BufferedImage> back = c.frames().stream().map(f -> video.decode(video.encode(f))).toList();
            for (int f = 0; f < back.size(); f++) {
                mse += Images.mse(c.frames().get(f), back.get(f));
                frames++;
            }
            adherence += Detector.detect(back, null, c.prompt()).adherence();
        }
        double psnr = Images.psnr(mse / frames);
        System.out.printf("video tokenizer round trip on %d held-out clips: PSNR %.2f dB, detector adherence %.4f%n",
                clips, psnr, adherence / clips);
        assertThat(psnr).isGreaterThanOrEqualTo(PSNR_FLOOR_DB);
        assertThat(adherence / clips).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void sixteenCodesPerFrameAndAnyImageSizeWorks() {
        assertThat(video.tokensPerFrame()).isEqualTo(16);
        assertThat(video.codebookSize()).isEqualTo(1 + 8 * video.masks());
        BufferedImage odd = new BufferedImage(100, 37, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 37; y++) {
            for (int x = 0; x < 100; x++) {
                odd.setRGB(x, y, 0xff000000 | (x * 2 << 16) | (y * 5 << 8) | 90);
            }
        }
        int[] codes = video.encode(odd);
        assertThat(codes).hasSize(16);
        assertThat(java.util.Arrays.stream(codes).allMatch(c -> c >= 0 && c < video.codebookSize())).isTrue();
        BufferedImage back = video.decode(codes);
        assertThat(back.getWidth()).isEqualTo(64);
        assertThat(video.encode(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB))).containsOnly(0);
    }

    @Test
    void badCodesAreRejectedWithAClearMessage() {
        assertThatThrownBy(() -> video.decode(new int[3])).hasMessageContaining("16");
        int[] codes = new int[16];
        codes[2] = video.codebookSize();
        assertThatThrownBy(() -> video.decode(codes)).hasMessageContaining("outside");
    }

    @Test
    void trainingIsDeterministic() throws Exception {
        Tokenizers a = TrainTokenizers.train(30, 3);
        Tokenizers b = TrainTokenizers.train(30, 3);
        java.io.ByteArrayOutputStream x = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream y = new java.io.ByteArrayOutputStream();
        a.video().write(x);
        b.video().write(y);
        assertThat(x.toByteArray()).isEqualTo(y.toByteArray());
        x.reset();
        y.reset();
        a.audio().write(x);
        b.audio().write(y);
        assertThat(x.toByteArray()).isEqualTo(y.toByteArray());
    }
}
