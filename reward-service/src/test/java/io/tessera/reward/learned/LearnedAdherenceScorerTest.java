package io.tessera.reward.learned;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.world.Clip;
import io.tessera.generator.world.ClipRenderer;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.Split;
import io.tessera.generator.world.World;
import io.tessera.records.Task;
import io.tessera.reward.WorldClips;
import io.tessera.reward.score.Score;
import io.tessera.reward.score.ScoringInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The shipped network: agrees with the detector on held-out clips, true and corrupted; loads, scores, round-trips. */
class LearnedAdherenceScorerTest {

    @Test
    void theShippedNetworkAgreesWithTheDetectorOnHeldOutClips() {
        try (LearnedAdherenceScorer s = LearnedAdherenceScorer.loadDefault()) {
            Map<Agreement.Variant, Agreement.Tally> a = Agreement.measure(s, WorldClips.tokenizers(), 8);
            Agreement.print(a, 8, System.out);
            // the shipped weights measured 0.894 on 40 clips; a floor well under it that still means "learned"
            assertThat(Agreement.overall(a).agreement()).isGreaterThan(0.8);
            assertThat(a.get(Agreement.Variant.WRONG_COLOUR).agreement()).isGreaterThan(0.8);
        }
    }

    @Test
    void aTrueClipScoresAboveTheSameClipWithAnotherColour() {
        try (LearnedAdherenceScorer s = LearnedAdherenceScorer.loadDefault()) {
            ClipSpec spec = ClipSpec.random(Agreement.SEED_BASE + 500, Split.HELD_OUT, World.DEFAULT_FRAMES);
            Clip real = ClipRenderer.render(spec);
            Clip recoloured = ClipRenderer.render(Agreement.corrupt(spec, Agreement.Variant.WRONG_COLOUR,
                    new SplittableRandom(1)));
            Score good = s.score(ScoringInput.of(Task.TEXT_TO_VIDEO, real.prompt(), real.frames(), null));
            Score bad = s.score(ScoringInput.of(Task.TEXT_TO_VIDEO, real.prompt(), recoloured.frames(), null));
            assertThat(good.components()).containsKeys("learned", "learned.colour", "learned.shape", "learned.motion");
            assertThat(good.value()).as(good.details()).isGreaterThan(bad.value());
            assertThat(bad.components().get("learned.colour")).as(bad.details()).isLessThan(0.5);
            assertThat(s.version()).startsWith("learned-1:");
        }
    }

    @Test
    void savedWeightsReloadToTheSameScores() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "tmp", "learned-" + System.nanoTime()));
        Clip c = WorldClips.clip(77, Split.TRAIN, 6);
        ScoringInput in = ScoringInput.of(Task.TEXT_TO_VIDEO, c.prompt(), c.frames(), null);
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch");
                AttributeNet net = AttributeNet.init(m, 3)) {
            Path file = dir.resolve("net.bin");
            try (var out = new java.io.DataOutputStream(Files.newOutputStream(file))) {
                net.write(out);
            }
            try (LearnedAdherenceScorer a = LearnedAdherenceScorer.load(file);
                    LearnedAdherenceScorer b = LearnedAdherenceScorer.load(file)) {
                assertThat(a.score(in).components()).isEqualTo(b.score(in).components());
                assertThat(a.version()).isEqualTo(b.version());
            }
        }
    }
}
