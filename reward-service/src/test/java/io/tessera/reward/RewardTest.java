package io.tessera.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tessera.generator.world.Clip;
import io.tessera.generator.world.Split;
import io.tessera.records.Task;
import io.tessera.reward.score.Score;
import io.tessera.reward.score.Scorer;
import io.tessera.reward.score.ScoringInput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Weights, validation and the weighted mean. */
class RewardTest {

    /** A scorer with a fixed verdict. */
    record Fixed(String name, double value) implements Scorer {
        @Override
        public String version() {
            return name + "-0";
        }

        @Override
        public Score score(ScoringInput input) {
            return Double.isNaN(value) ? Score.notApplicable(name, "n/a") : Score.of(name, value, Map.of(), "");
        }
    }

    static ScoringInput anyInput() {
        Clip c = WorldClips.clip(1, Split.TRAIN, 4);
        return ScoringInput.of(Task.TEXT_TO_VIDEO, c.prompt(), c.frames(), c.audio());
    }

    @Test
    void totalIsTheWeightedMeanOfTheScorersThatApply() {
        Reward r = new Reward(List.of(new Reward.Weighted(new Fixed("a", 1.0), 3), new Reward.Weighted(new Fixed("b", 0.2), 1),
                new Reward.Weighted(new Fixed("c", Double.NaN), 5)));
        RewardResult res = r.score(anyInput());
        assertThat(res.total()).isCloseTo((3 * 1.0 + 0.2) / 4, within(1e-12));
        assertThat(res.components()).containsOnlyKeys("a", "b");
        assertThat(res.scorerVersion()).isEqualTo("reward-1[a-0*3.00,b-0*1.00,c-0*5.00]");
    }

    @Test
    void configReadsDeclaredKeysAndRefusesTheRest() {
        assertThat(RewardConfig.from(Map.of())).isEqualTo(RewardConfig.DEFAULT);
        RewardConfig c = RewardConfig.from(Map.of("weight.adherence", "1", "weight.av-sync", "0"));
        assertThat(c.adherence()).isEqualTo(1.0);
        assertThat(c.avSync()).isEqualTo(0.0);
        assertThat(c.temporal()).isEqualTo(RewardConfig.TEMPORAL.defaultValue());
        assertThat(RewardConfig.fromArgs(new String[] {"--bootstrap", "x", "--weight.temporal", "0.5"}).temporal())
                .isEqualTo(0.5);
        assertThatThrownBy(() -> RewardConfig.from(Map.of("weight.colour", "1")))
                .hasMessageContaining("unknown reward option 'weight.colour'").hasMessageContaining("weight.adherence");
        assertThatThrownBy(() -> RewardConfig.from(Map.of("weight.adherence", "-1")))
                .hasMessageContaining("'weight.adherence': -1.0 (allowed: 0.0 to 100.0)");
        assertThatThrownBy(() -> RewardConfig.from(Map.of("weight.adherence", "lots")))
                .hasMessageContaining("'lots' is not a number");
        assertThatThrownBy(() -> new RewardConfig(0, 0, 0, 0)).hasMessageContaining("at least one of");
    }

    @Test
    void theDefaultRewardOnARenderedClipIsOneAndWithoutAudioSkipsSync() {
        try (Reward r = Reward.of(RewardConfig.DEFAULT)) {
            Clip c = WorldClips.clip(3, Split.HELD_OUT, 16);
            RewardResult full = r.score(ScoringInput.of(Task.TEXT_TO_VIDEO, c.prompt(), c.frames(), c.audio()));
            assertThat(full.total()).isEqualTo(1.0);
            assertThat(full.components()).containsKeys("adherence", "adherence.colour", "temporal", "temporal.teleport",
                    "av_sync", "av_sync.tone_match");
            assertThat(full.scorerVersion()).startsWith("reward-1[adherence-1*0.600,temporal-1*0.200,av_sync-1*0.200");
            RewardResult mute = r.score(ScoringInput.of(Task.TEXT_TO_VIDEO, c.prompt(), c.frames(), null));
            assertThat(mute.components()).doesNotContainKey("av_sync");
            assertThat(mute.total()).isEqualTo(1.0);
        }
    }
}
