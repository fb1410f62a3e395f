package io.tessera.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.generator.tokenize.TextTokenizer;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.generator.train.TrainingBatch;
import io.tessera.generator.world.Colour;
import io.tessera.generator.world.Motion;
import io.tessera.generator.world.ObjectSpec;
import io.tessera.generator.world.Shape;
import io.tessera.records.Task;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MotionDrillTest {
    final Tokenizers tokenizers = Tokenizers.loadDefault();
    final TrainingMix mix = new TrainingMix(tokenizers, 5);
    final SequenceLayout layout = new SequenceLayout(tokenizers.vocabulary());

    @Test
    void drillBatchesComeBetweenFullBatchesAndAreAFunctionOfSeedAndStep() {
        MotionDrill drill = new MotionDrill(mix, 2);
        assertThat(drill.isDrill(0)).isFalse();
        assertThat(drill.isDrill(1)).isTrue();
        assertThat(drill.isDrill(2)).isTrue();
        assertThat(drill.isDrill(3)).isFalse();
        TrainingBatch full = drill.batch(5, 3, 4, 400);
        assertThat(full.tokens()).hasNumberOfRows(4);
        assertThat(full.tokens()).isDeepEqualTo(mix.batch(5, 3, 4, 400).tokens());
        TrainingBatch a = drill.batch(5, 4, 4, 400);
        assertThat(a.tokens()).hasNumberOfRows(4 * MotionDrill.ROWS_PER_ROW);
        assertThat(a.tokens()).isDeepEqualTo(drill.batch(5, 4, 4, 400).tokens());
        assertThat(a.tokens()).isNotEqualTo(drill.batch(5, 5, 4, 400).tokens());
        assertThat(new MotionDrill(mix, 0).isDrill(7)).as("0 drill batches: the plain mix").isFalse();
        assertThatThrownBy(() -> new MotionDrill(mix, -1)).hasMessageContaining("drillBatches");
    }

    @Test
    void drillRowsAreShortVideoTasksWhosePromptAlwaysSaysTheMotion() {
        MotionDrill drill = new MotionDrill(mix, 1);
        int underspecified = 0;
        Set<Task> tasks = new HashSet<>();
        for (long i = 0; i < 200; i++) {
            TrainingSequence s = drill.drillSequence(5, i);
            tasks.add(s.task());
            int generatedFrames = s.task() == Task.TEXT_TO_VIDEO ? MotionDrill.DRILL_FRAMES : MotionDrill.DRILL_FRAMES - 1;
            assertThat(s.length() - s.firstTarget()).isEqualTo(generatedFrames * layout.generatedTokensPerFrame(s.task()));
            assertThat(s.prompt()).containsPattern("moving (left|right|up|down)");
            if (!s.promptDropped()) {
                int end = 3; // BOS task BOT, then the text's bytes (ids < 256)
                while (s.tokens()[end] < 256) {
                    end++;
                }
                assertThat(TextTokenizer.decode(java.util.Arrays.copyOfRange(s.tokens(), 3, end))).isEqualTo(s.prompt());
            }
            underspecified += s.prompt().contains("object") || !s.prompt().matches(".*(red|green|blue|yellow|cyan|magenta|white|orange).*")
                    ? 1 : 0;
        }
        assertThat(tasks).containsExactlyInAnyOrder(Task.TEXT_TO_VIDEO, Task.IMAGE_TO_VIDEO);
        assertThat(underspecified).isBetween(70, 130);
    }

    @Test
    void drillRowsComeInPairsWhoseFirstObjectMovesAnotherWayFromTheSameStart() {
        MotionDrill drill = new MotionDrill(mix, 1);
        int pairs = 0;
        for (long k = 0; k < 60; k++) {
            TrainingSequence a = drill.drillSequence(5, 2 * k);
            TrainingSequence b = drill.drillSequence(5, 2 * k + 1);
            assertThat(b.task()).isEqualTo(a.task());
            String wordsA = a.prompt().replaceAll("moving (left|right|up|down)", "moving _");
            String wordsB = b.prompt().replaceAll("moving (left|right|up|down)", "moving _");
            if (wordsA.equals(wordsB) && !a.prompt().equals(b.prompt()) && startFrame(a).equals(startFrame(b))) {
                pairs++; // the same start (first frame), the prompt differing in the motion word only
            }
        }
        assertThat(pairs).as("most rows have a twin").isGreaterThan(40);
        var start = new io.tessera.generator.world.WorldObject(new ObjectSpec(Shape.SQUARE, Colour.RED, Motion.LEFT), 0, 20, 4);
        assertThat(MotionDrill.roomFor(start, Motion.LEFT, 2)).isFalse();
        assertThat(MotionDrill.roomFor(start, Motion.RIGHT, 2)).isTrue();
    }

    @Test
    void withColourPairsEveryOtherPairDiffersInTheFirstObjectsColourOnly() {
        MotionDrill drill = new MotionDrill(mix, 1, true);
        String colours = "an? (red|green|blue|yellow|cyan|magenta|white|orange)";
        int colourPairs = 0;
        int motionPairs = 0;
        for (long k = 0; k < 80; k++) {
            TrainingSequence a = drill.drillSequence(5, 2 * k);
            TrainingSequence b = drill.drillSequence(5, 2 * k + 1);
            boolean sameWordsButColour = a.prompt().replaceAll(colours, "_").equals(b.prompt().replaceAll(colours, "_"));
            boolean sameWordsButMotion = a.prompt().replaceAll("moving (left|right|up|down)", "moving _")
                    .equals(b.prompt().replaceAll("moving (left|right|up|down)", "moving _"));
            if (a.prompt().equals(b.prompt())) {
                continue; // a prompt without the word that differs (underspecified)
            }
            if (k % 2 == 1) {
                assertThat(sameWordsButMotion).as("pair %d is a colour pair: %s / %s", k, a.prompt(), b.prompt()).isFalse();
                colourPairs += sameWordsButColour && !startFrame(a).equals(startFrame(b)) ? 1 : 0;
            } else {
                assertThat(sameWordsButColour).as("pair %d is a motion pair: %s / %s", k, a.prompt(), b.prompt()).isFalse();
                motionPairs += sameWordsButMotion && startFrame(a).equals(startFrame(b)) ? 1 : 0;
            }
        }
        // a twin is not always possible (no room for another motion); then the second row is a fresh clip
        assertThat(colourPairs).isGreaterThan(15);
        assertThat(motionPairs).isGreaterThan(15);
        for (long i = 0; i < 40; i++) {
            assertThat(drill.drillSequence(5, 4 * i).tokens()).as("the pair's first row is the plain drill's")
                    .isEqualTo(new MotionDrill(mix, 1).drillSequence(5, 4 * i).tokens());
        }
    }

    @Test
    void aColourTwinKeepsShapeStartAndMotionAndStaysATrainingCombination() {
        for (long seed = 0; seed < 50; seed++) {
            var spec = io.tessera.generator.world.ClipSpec.random(seed, io.tessera.generator.world.Split.TRAIN, 3);
            var twin = MotionDrill.otherColour(spec, 0, new java.util.SplittableRandom(seed));
            assertThat(twin).isNotNull();
            var a = spec.objects().get(0);
            var b = twin.objects().get(0);
            assertThat(b.spec().colour()).isNotEqualTo(a.spec().colour());
            assertThat(b.spec().shape()).isEqualTo(a.spec().shape());
            assertThat(b.spec().motion()).isEqualTo(a.spec().motion());
            assertThat(b.x0()).isEqualTo(a.x0());
            assertThat(b.y0()).isEqualTo(a.y0());
            assertThat(io.tessera.generator.world.HeldOut.isHeldOut(b.spec())).isFalse();
            assertThat(twin.objects().stream().map(w -> w.spec().colour()).distinct().count())
                    .isEqualTo(twin.objects().size());
        }
    }

    @Test
    void withEitherObjectTwoObjectPairsVaryTheSecondObjectToo() {
        MotionDrill drill = new MotionDrill(mix, 1, true, true);
        int variedFirst = 0;
        int variedSecond = 0;
        for (long k = 0; k < 200; k++) {
            TrainingSequence a = drill.drillSequence(5, 2 * k);
            TrainingSequence b = drill.drillSequence(5, 2 * k + 1);
            String[] pa = a.prompt().split(" and ");
            String[] pb = b.prompt().split(" and ");
            if (pa.length != 2 || pb.length != 2 || a.prompt().equals(b.prompt())) {
                continue; // one object, a fresh clip (no twin possible) or an underspecified prompt
            }
            boolean firstDiffers = !pa[0].equals(pb[0]);
            boolean secondDiffers = !pa[1].equals(pb[1]);
            assertThat(firstDiffers && secondDiffers).as("a pair varies one object: %s / %s", a.prompt(), b.prompt())
                    .isFalse();
            variedFirst += firstDiffers ? 1 : 0;
            variedSecond += secondDiffers ? 1 : 0;
        }
        assertThat(variedFirst).isGreaterThan(10);
        assertThat(variedSecond).isGreaterThan(10);
        for (long k = 0; k < 40; k++) {
            assertThat(drill.drillSequence(5, 2 * k).tokens())
                    .as("the first row of a pair is the colour-pair drill's: the option only picks the twin's object")
                    .isEqualTo(new MotionDrill(mix, 1, true).drillSequence(5, 2 * k).tokens());
        }
    }

    /** With the option, underspecified pairs are image-to-video; fully specified rows are the drill's, row for row. */
    @Test
    void underspecifiedFromImageNeverAsksTheModelToChooseWhatThePromptLeavesOut() {
        MotionDrill plain = new MotionDrill(mix, 1, true, true);
        MotionDrill fromImage = new MotionDrill(mix, 1, true, true, true);
        int underspecified = 0;
        int textToVideo = 0;
        for (long i = 0; i < 200; i++) {
            TrainingSequence a = plain.drillSequence(5, i);
            TrainingSequence b = fromImage.drillSequence(5, i);
            assertThat(b.prompt()).isEqualTo(a.prompt());
            boolean full = a.prompt().equals(full(a.prompt()));
            if (!full) {
                underspecified++;
                assertThat(b.task()).as("%s", b.prompt()).isEqualTo(Task.IMAGE_TO_VIDEO);
            } else {
                textToVideo += b.task() == Task.TEXT_TO_VIDEO ? 1 : 0;
                assertThat(b.tokens()).isEqualTo(a.tokens());
            }
        }
        assertThat(underspecified).isGreaterThan(60);
        assertThat(textToVideo).as("fully specified pairs keep their text-to-video rows").isGreaterThan(20);
    }

    /** The prompt itself when every object phrase names a colour and a shape, else a marker that never equals it. */
    private static String full(String prompt) {
        for (String phrase : prompt.split(" and ")) {
            if (phrase.contains(" object")) {
                return "";
            }
            String[] words = phrase.split(" ");
            if (words.length < 5) { // "a circle moving left": no colour
                return "";
            }
        }
        return prompt;
    }

    @Test
    void aMotionTwinOfTheSecondObjectKeepsTheFirstAsItIs() {
        int twins = 0;
        for (long seed = 0; seed < 200; seed++) {
            var spec = io.tessera.generator.world.ClipSpec.random(seed, io.tessera.generator.world.Split.TRAIN, 3);
            if (spec.objects().size() < 2) {
                continue;
            }
            var twin = MotionDrill.otherMotion(spec, 1, new java.util.SplittableRandom(seed));
            if (twin == null) {
                continue;
            }
            twins++;
            assertThat(twin.objects().get(0)).isEqualTo(spec.objects().get(0));
            var a = spec.objects().get(1);
            var b = twin.objects().get(1);
            assertThat(b.spec().motion()).isNotEqualTo(a.spec().motion());
            assertThat(b.spec().colour()).isEqualTo(a.spec().colour());
            assertThat(b.spec().shape()).isEqualTo(a.spec().shape());
            assertThat(io.tessera.generator.world.HeldOut.isHeldOut(b.spec())).isFalse();
        }
        assertThat(twins).isGreaterThan(20);
    }

    /** The 16 video tokens of the first frame: generated in text-to-video, given in image-to-video. */
    private static java.util.List<Integer> startFrame(TrainingSequence s) {
        int at = s.task() == Task.TEXT_TO_VIDEO ? s.firstTarget() : s.firstTarget() - 17;
        return java.util.Arrays.stream(java.util.Arrays.copyOfRange(s.tokens(), at, at + 16)).boxed().toList();
    }

    @Test
    void underspecifiedPhrasesLeaveOutColourShapeOrBoth() {
        ObjectSpec o = new ObjectSpec(Shape.CIRCLE, Colour.ORANGE, Motion.LEFT);
        assertThat(MotionDrill.phrase(o, 0)).isEqualTo("a circle moving left");
        assertThat(MotionDrill.phrase(o, 1)).isEqualTo("an orange object moving left");
        assertThat(MotionDrill.phrase(o, 2)).isEqualTo("an object moving left");
    }
}
