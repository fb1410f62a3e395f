package io.tessera.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.tokenize.Special;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.generator.tokenize.Vocabulary;
import io.tessera.generator.world.HeldOut;
import io.tessera.generator.world.PromptParser;
import io.tessera.records.Task;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingMixTest {
    final Tokenizers tokenizers = Tokenizers.loadDefault();
    final Vocabulary v = tokenizers.vocabulary();
    final SequenceLayout layout = new SequenceLayout(v);

    @Test
    void sequencesAreAFunctionOfSeedAndIndex() {
        TrainingMix a = new TrainingMix(tokenizers, 11);
        TrainingMix b = new TrainingMix(tokenizers, 11);
        for (long i = 0; i < 20; i++) {
            assertThat(a.sequence(i).tokens()).isEqualTo(b.sequence(i).tokens());
        }
        assertThat(new TrainingMix(tokenizers, 12).sequence(0).tokens()).isNotEqualTo(a.sequence(0).tokens());
    }

    @Test
    void worldSequencesFitTheAdvertisedLengths() {
        TrainingMix mix = new TrainingMix(tokenizers, 0);
        assertThat(mix.worldMaxLength()).isEqualTo(346);
        assertThat(mix.maxLength()).isEqualTo(407);
    }

    @Test
    void theFirstGeneratedFramesOfVideoTasksWeighMoreInTheLoss() {
        TrainingMix mix = new TrainingMix(tokenizers, 1);
        for (long i = 0; i < 40; i++) {
            TrainingSequence s = mix.sequence(i);
            float[] w = mix.lossWeights(s, s.length());
            assertThat(w[s.firstTarget() - 1]).isZero();
            if (s.task() == Task.VIDEO_TO_AUDIO) {
                assertThat(w[s.firstTarget()]).isEqualTo(1f);
            } else {
                int key = TrainingMix.KEY_FRAMES * layout.generatedTokensPerFrame(s.task());
                assertThat(w[s.firstTarget()]).isEqualTo(TrainingMix.KEY_FRAME_WEIGHT);
                assertThat(w[s.firstTarget() + key - 1]).isEqualTo(TrainingMix.KEY_FRAME_WEIGHT);
                assertThat(w[s.firstTarget() + key]).isEqualTo(1f);
            }
        }
    }

    @Test
    void batchesMaskEverythingButTheGeneratedTokens() {
        TrainingMix mix = new TrainingMix(tokenizers, 1);
        var batch = mix.batch(4, 3, 8, mix.maxLength() + 1);
        assertThat(batch.tokens()).hasNumberOfRows(8);
        for (int b = 0; b < 8; b++) {
            TrainingSequence s = mix.sequence(4, 3 * 8 + b);
            assertThat(batch.tokens()[b]).isEqualTo(s.tokens());
            for (int t = 0; t < s.length(); t++) {
                assertThat(batch.isTarget(b, t)).isEqualTo(t >= s.firstTarget());
            }
        }
        var cut = mix.batch(4, 3, 8, 340);
        assertThat(cut.maxLength()).isLessThanOrEqualTo(340);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> mix.batch(4, 3, 8, 20))
                .hasMessageContaining("sequence length");
    }

    @Test
    void mixCoversAllTasksWithGuidanceDropoutAndOnlyTrainingCombinations() {
        TrainingMix mix = new TrainingMix(tokenizers, 5);
        Map<Task, Integer> count = new EnumMap<>(Task.class);
        int dropped = 0;
        int n = 200;
        for (long i = 0; i < n; i++) {
            TrainingSequence s = mix.sequence(i);
            count.merge(s.task(), 1, Integer::sum);
            dropped += s.promptDropped() ? 1 : 0;
            assertThat(PromptParser.parse(s.prompt())).noneMatch(HeldOut::isHeldOut);
            assertThat(s.length()).isLessThanOrEqualTo(mix.worldMaxLength()).isBetween(277, 346);
            int[] t = s.tokens();
            assertThat(t[0]).isEqualTo(v.id(Special.BOS));
            assertThat(t[1]).isEqualTo(v.task(s.task()));
            // the generated part obeys the task's grammar, and the prefix is what sampleRequest builds
            var g = layout.grammar(s.task());
            for (int p = s.firstTarget(); p < t.length; p++) {
                int q = p - s.firstTarget();
                assertThat(t[p]).isBetween(g.lowerBound(q), g.upperBound(q) - 1);
            }
            int textLen = s.promptDropped() ? 0 : s.prompt().length();
            assertThat(t[3 + textLen]).isEqualTo(v.id(Special.EOT));
            int generated = t.length - s.firstTarget();
            assertThat(generated % layout.generatedTokensPerFrame(s.task())).isZero();
        }
        System.out.println("training mix of " + n + ": " + count + ", prompt dropped " + dropped);
        assertThat(count).containsOnlyKeys(Task.values());
        assertThat(count.get(Task.TEXT_TO_VIDEO)).isBetween(55, 105);
        assertThat(dropped).isBetween(8, 35);
    }
}
