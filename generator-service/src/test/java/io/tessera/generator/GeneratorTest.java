package io.tessera.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.generator.engine.SampleRequest;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.tokenize.Special;
import io.tessera.generator.tokenize.TextTokenizer;
import io.tessera.generator.tokenize.Vocabulary;
import io.tessera.generator.world.Clip;
import io.tessera.generator.world.ClipRenderer;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.tokenize.Images;
import io.tessera.generator.world.Split;
import io.tessera.records.Task;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {
    static Generator gen;
    static Vocabulary v;
    static final SamplingConfig GUIDED = new SamplingConfig(1f, 0, 1f, 3f, 9L);
    final Clip clip = ClipRenderer.render(ClipSpec.random(3, Split.TRAIN));
    final String prompt = clip.prompt();

    @BeforeAll
    static void load() {
        gen = Generator.loadDefault();
        v = gen.tokenizers().vocabulary();
    }

    @AfterAll
    static void close() {
        gen.close();
    }

    @Test
    void identityAndPolicyMatchTheVocabulary() {
        assertThat(gen.modelId()).startsWith("tessera-").contains(gen.tokenizers().id());
        assertThat(gen.policy().config().vocabSize()).isEqualTo(v.size());
        assertThat(gen.layout().videoTokensPerFrame()).isEqualTo(16);
    }

    @Test
    void textToVideoRequest() {
        SampleRequest r = gen.sampleRequest("r#0", Task.TEXT_TO_VIDEO, prompt, null, null, 16, GUIDED, 5L);
        int[] text = TextTokenizer.encode(prompt);
        assertThat(r.prefix()).hasSize(5 + text.length);
        assertThat(r.prefix()[1]).isEqualTo(v.task(Task.TEXT_TO_VIDEO));
        assertThat(r.maxNewTokens()).isEqualTo(16 * 17);
        assertThat(r.grammar()).isEqualTo(gen.sequenceLayout().grammar(Task.TEXT_TO_VIDEO));
        // guidance: the same prefix with the prompt dropped
        assertThat(r.unconditionalPrefix()).containsExactly(v.id(Special.BOS), v.task(Task.TEXT_TO_VIDEO),
                v.id(Special.BOT), v.id(Special.EOT), v.id(Special.BOV));
        assertThat(r.guided()).isTrue();
        SampleRequest plain = gen.sampleRequest("r#1", Task.TEXT_TO_VIDEO, prompt, null, null, 4, SamplingConfig.DEFAULT, 0);
        assertThat(plain.unconditionalPrefix()).isNull();
    }

    @Test
    void imageToVideoRequestCarriesTheFirstFramesTokens() {
        BufferedImage first = clip.frames().get(0);
        SampleRequest r = gen.sampleRequest("r#0", Task.IMAGE_TO_VIDEO, prompt, List.of(first), null, 15, GUIDED, 0);
        int[] frameIds = gen.tokenizers().encodeFrame(first);
        int at = r.prefix().length - 17;
        assertThat(Arrays.copyOfRange(r.prefix(), at, at + 16)).isEqualTo(frameIds);
        assertThat(r.maxNewTokens()).isEqualTo(15 * 17);
        int uncondAt = r.unconditionalPrefix().length - 17;
        assertThat(Arrays.copyOfRange(r.unconditionalPrefix(), uncondAt, uncondAt + 16)).isEqualTo(frameIds);
        // the decoder gives the frame back
        assertThat(Images.psnr(Images.mse(first, gen.decodeFrame(frameIds)))).isGreaterThan(30);
    }

    @Test
    void continuationRequestCarriesFramesAndAudio() {
        List<BufferedImage> ctx = clip.frames().subList(0, 4);
        float[] audio = Arrays.copyOf(clip.audio(), 4 * 2000);
        SampleRequest r = gen.sampleRequest("r#0", Task.VIDEO_CONTINUATION, prompt, ctx, audio, 12, GUIDED, 0);
        int textLen = TextTokenizer.encode(prompt).length;
        assertThat(r.prefix()).hasSize(5 + textLen + 4 * 17);
        int[] audioIds = gen.tokenizers().encodeAudio(audio);
        for (int f = 0; f < 4; f++) {
            assertThat(r.prefix()[5 + textLen + f * 17 + 16]).isEqualTo(audioIds[f]);
        }
        assertThat(r.maxNewTokens()).isEqualTo(12 * 17);
        float[] back = gen.decodeAudio(audioIds);
        assertThat(back).hasSize(audio.length);
    }

    @Test
    void videoToAudioRequestGeneratesOneAudioTokenPerFrame() {
        SampleRequest r = gen.sampleRequest("r#0", Task.VIDEO_TO_AUDIO, prompt, clip.frames(), null, 0, GUIDED, 0);
        assertThat(r.maxNewTokens()).isEqualTo(16);
        assertThat(r.grammar().period()).isEqualTo(1);
        assertThat(r.prefix()[r.prefix().length - 1]).isEqualTo(v.id(Special.BOA));
        assertThat(r.prefix()).hasSize(5 + TextTokenizer.encode(prompt).length + 16 * 16 + 2);
        assertThatThrownBy(() -> gen.sampleRequest("r#1", Task.VIDEO_TO_AUDIO, prompt, List.of(), null, 0, GUIDED, 0))
                .hasMessageContaining("conditioning frames");
    }

    @Test
    void generatedStreamsDecodeToFramesAndAudio() {
        Clip c = clip;
        int[] stream = new int[16 * 17 + 5];
        int[] audioIds = gen.tokenizers().encodeAudio(c.audio());
        for (int f = 0; f < 16; f++) {
            System.arraycopy(gen.tokenizers().encodeFrame(c.frames().get(f)), 0, stream, f * 17, 16);
            stream[f * 17 + 16] = audioIds[f];
        }
        DecodedClip d = gen.decode(Task.TEXT_TO_VIDEO, stream);
        assertThat(d.frames()).hasSize(16);
        assertThat(d.audio()).hasSize(16 * 2000);
        assertThat(io.tessera.generator.world.Detector.detect(d.frames(), d.audio(), c.prompt()).adherence()).isEqualTo(1.0);
        DecodedClip a = gen.decode(Task.VIDEO_TO_AUDIO, audioIds);
        assertThat(a.frames()).isEmpty();
        assertThat(a.audio()).hasSize(16 * 2000);
    }

    @Test
    void requestsBeyondTheModelsContextAreRejected() {
        assertThatThrownBy(() -> gen.sampleRequest("r#0", Task.TEXT_TO_VIDEO, prompt, null, null, 200, GUIDED, 0))
                .hasMessageContaining("maxSeqLen");
        assertThatThrownBy(() -> gen.sampleRequest("r#0", Task.TEXT_TO_VIDEO, prompt, null, null, 0, GUIDED, 0))
                .hasMessageContaining("framesToGenerate");
    }
}
