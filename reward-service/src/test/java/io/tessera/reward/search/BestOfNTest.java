package io.tessera.reward.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.Generator;
import io.tessera.generator.engine.EngineConfig;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.model.ModelConfig;
import io.tessera.generator.model.Policy;
import io.tessera.generator.tokenize.Special;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.reward.Reward;
import io.tessera.reward.RewardConfig;
import io.tessera.reward.WorldClips;
import io.tessera.reward.score.Score;
import io.tessera.reward.score.Scorer;
import io.tessera.reward.score.ScoringInput;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Best-of-N on the real engine with a tiny random-init transformer (same code path as the shipped model). */
class BestOfNTest {

    static Generator tiny() {
        Tokenizers t = WorldClips.tokenizers();
        ModelConfig c = new ModelConfig(t.vocabulary().size(), 32, 1, 2, 64, ModelConfig.DEFAULT_MAX_SEQ_LEN,
                ModelConfig.DEFAULT_ROPE_THETA, t.vocabulary().id(Special.EOS));
        return new Generator(t, Policy.randomInit(c, 5));
    }

    /** Prefers clips whose first frame is brighter: an arbitrary but deterministic verifier. */
    record Brightness() implements Scorer {
        @Override
        public String name() {
            return "bright";
        }

        @Override
        public String version() {
            return "bright-0";
        }

        @Override
        public Score score(ScoringInput in) {
            long sum = 0;
            var f = in.frames().get(0);
            for (int y = 0; y < f.getHeight(); y++) {
                for (int x = 0; x < f.getWidth(); x++) {
                    int rgb = f.getRGB(x, y);
                    sum += ((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
                }
            }
            return Score.of("bright", sum / (3.0 * 255 * f.getWidth() * f.getHeight()), Map.of(), "");
        }
    }

    @Test
    void samplesNCandidatesWithTheirOwnSeedsAndKeepsTheBest() {
        try (Generator g = tiny(); Reward reward = Reward.of(RewardConfig.DEFAULT)) {
            BestOfN search = new BestOfN(g, reward, new EngineConfig(8, 8, 1024));
            BestOfN.Query q = BestOfN.Query.textToVideo("a red circle moving up", 3,
                    new SamplingConfig(1.0f, 0, 1.0f, 1.0f, 99L));
            BestOfN.Result r = search.search(q, 4);
            assertThat(r.candidates()).hasSize(4);
            assertThat(r.candidates().get(0).seed()).isEqualTo(99L);
            assertThat(r.candidates()).extracting(BestOfN.Candidate::seed).doesNotHaveDuplicates();
            assertThat(r.candidates()).allSatisfy(c -> {
                assertThat(c.tokens()).hasSize(3 * 17);
                assertThat(c.reward()).isNotNull();
                assertThat(c.clip().frames()).hasSize(3);
            });
            double max = r.candidates().stream().mapToDouble(BestOfN.Candidate::total).max().orElseThrow();
            assertThat(r.best().total()).isEqualTo(max);
            assertThat(r.candidates().stream().map(c -> Arrays.toString(c.tokens())).distinct()).hasSizeGreaterThan(1);

            // Deterministic: the same query in a batch with another gives the same candidates.
            List<BestOfN.Result> again = search.searchAll(List.of(
                    BestOfN.Query.textToVideo("a blue square moving left", 2, new SamplingConfig(1f, 0, 1f, 1f, 5L)), q), 4);
            for (int i = 0; i < 4; i++) {
                assertThat(again.get(1).candidates().get(i).tokens()).isEqualTo(r.candidates().get(i).tokens());
            }

            // Another verifier on the same draw picks by its own score.
            BestOfN.Result bright = BestOfN.rescore(r, new Reward(List.of(new Reward.Weighted(new Brightness(), 1))));
            double brightest = bright.candidates().stream().mapToDouble(BestOfN.Candidate::total).max().orElseThrow();
            assertThat(bright.best().total()).isEqualTo(brightest);
            assertThat(bright.best().reward().scorerVersion()).isEqualTo("reward-1[bright-0*1.00]");
        }
    }

    @Test
    void bestOfOneIsPlainSampling() {
        assertThat(BestOfN.seedOf(123L, 0)).isEqualTo(123L);
        assertThat(BestOfN.seedOf(123L, 1)).isNotEqualTo(BestOfN.seedOf(123L, 2));
    }
}
