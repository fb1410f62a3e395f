package io.tessera.jobs.condition;

import static io.tessera.jobs.condition.ConditionMedia.audio;
import static io.tessera.jobs.condition.ConditionMedia.frame;
import static io.tessera.jobs.condition.ConditionMedia.image;
import static io.tessera.jobs.condition.ConditionMedia.jpeg;
import static io.tessera.jobs.condition.ConditionMedia.png;
import static io.tessera.jobs.condition.ConditionMedia.request;
import static io.tessera.jobs.condition.ConditionMedia.wav;
import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.world.World;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.records.DeadLetter;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.Task;
import io.tessera.schemas.Topics;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The conditioning assembler in Flink's keyed two-input operator harness. */
class ConditionAssemblerTest {

    static final long TIMEOUT_MS = 30_000L;
    static final int MAX_FRAMES = 8;
    static final Color[] COLOURS = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};

    static KeyedTwoInputStreamOperatorTestHarness<String, GenerationRequest, MediaChunk, ConditionedRequest> harness()
            throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new ConditionAssembler(TIMEOUT_MS, MAX_FRAMES, 1024),
                GenerationRequest::getRequestId, MediaChunk::getRequestId, Types.STRING);
        h.setProcessingTime(1_000L);
        return h;
    }

    static void send(KeyedTwoInputStreamOperatorTestHarness<String, GenerationRequest, MediaChunk, ?> h,
            GenerationRequest r) throws Exception {
        h.processElement1(new StreamRecord<>(r, 0L));
    }

    static void send(KeyedTwoInputStreamOperatorTestHarness<String, GenerationRequest, MediaChunk, ?> h,
            MediaChunk c) throws Exception {
        h.processElement2(new StreamRecord<>(c, 0L));
    }

    static List<DeadLetter> dead(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) {
        var out = h.getSideOutput(DeadLetters.TAG);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    static void assertCleared(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) {
        assertThat(h.numKeyedStateEntries()).as("keyed state entries").isZero();
        assertThat(h.numProcessingTimeTimers()).as("timers").isZero();
    }

    /** The colour of the frame's top-left pixel, after the resize to 64x64. */
    static int corner(int[] pixels) {
        return pixels[0];
    }

    @Test
    void mediaInAnyOrderWithRepeatsCompletesTheRequestOnceAndClearsItsState() throws Exception {
        try (var h = harness()) {
            h.open();
            String id = "vc";
            byte[][] frames = new byte[3][];
            for (int i = 0; i < 3; i++) {
                frames[i] = i == 1 ? jpeg(image(48, COLOURS[i], 8 * i)) : png(image(32 + 16 * i, COLOURS[i], 8 * i));
            }
            send(h, frame(id, 2, 3, frames[2]));
            send(h, audio(id, 0, 1, wav(1.0, 8_000)));
            send(h, frame(id, 0, 3, frames[0]));
            send(h, frame(id, 2, 3, frames[2])); // a repeat
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

            send(h, request(id, Task.VIDEO_CONTINUATION, 3, 1, 4));
            assertThat(h.extractOutputValues()).isEmpty();
            send(h, frame(id, 0, 3, frames[0])); // a repeat after the request
            send(h, frame(id, 1, 3, frames[1]));

            assertThat(h.extractOutputValues()).singleElement().satisfies(c -> {
                assertThat(c.requestId).isEqualTo(id);
                assertThat(c.decodedRequest().getTask()).isEqualTo(Task.VIDEO_CONTINUATION);
                assertThat(c.frames).hasNumberOfRows(3);
                for (int i = 0; i < 3; i++) {
                    assertThat(c.frames[i]).hasSize(World.SIZE * World.SIZE);
                }
                assertThat(corner(c.frames[0])).isEqualTo(0xFF0000);
                assertThat(corner(c.frames[2])).isEqualTo(0x0000FF);
                int g = corner(c.frames[1]) >> 8 & 0xFF; // JPEG: green, within compression error
                assertThat(g).isGreaterThan(200);
                // 1 s at 8 kHz is 16,000 samples at 16 kHz, cut to the three conditioning frames' audio
                assertThat(c.audio16k).hasSize(3 * World.SAMPLES_PER_FRAME);
                assertThat(c.frameImages()).hasSize(3);
            });
            assertThat(dead(h)).isEmpty();
            assertCleared(h);
        }
    }

    /**
     * With a dedup retention, an assembled request leaves a marker (its media freed): a repeat of the request or
     * of its media is dropped as a duplicate, another request under the same id is dead-lettered at once, and the
     * marker and its timer are gone when the retention ends. Without the marker, the repeat would wait
     * condition.timeout for media that already came and then be dead-lettered as incomplete.
     */
    @Test
    void anAssembledRequestIsRememberedSoRepeatsAreDroppedNotDeadLettered() throws Exception {
        long retention = 120_000L;
        try (var h = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new ConditionAssembler(TIMEOUT_MS, MAX_FRAMES, 1024, retention),
                GenerationRequest::getRequestId, MediaChunk::getRequestId, Types.STRING)) {
            h.setProcessingTime(1_000L);
            h.open();
            GenerationRequest r = request("dup", Task.IMAGE_TO_VIDEO, 1, 0, 4);
            byte[] image = png(image(64, Color.CYAN, 0));
            send(h, r);
            send(h, frame("dup", 0, 1, image));
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(h.numProcessingTimeTimers()).as("only the marker's timer").isEqualTo(1);

            h.setProcessingTime(1_000L + TIMEOUT_MS + 1); // long after its media was consumed
            send(h, r); // the same request again
            send(h, frame("dup", 0, 1, image)); // and its image again
            h.setProcessingTime(1_000L + 2 * TIMEOUT_MS + 2); // past a conditioning timeout for the repeat
            assertThat(h.extractOutputValues()).as("nothing generated twice").hasSize(1);
            assertThat(dead(h)).as("a repeat is not an incomplete request").isEmpty();

            send(h, request("dup", Task.IMAGE_TO_VIDEO, 1, 0, 8)); // another request under the same id
            assertThat(dead(h)).singleElement().satisfies(d -> assertThat(d.getReason())
                    .contains("another request with id dup was already assembled").contains("unique"));

            h.setProcessingTime(1_000L + retention + 1);
            assertCleared(h);
        }
    }

    @Test
    void theRequestFirstThenItsImage() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, request("i2v", Task.IMAGE_TO_VIDEO, 1, 0, 4));
            assertThat(h.numKeyedStateEntries()).isPositive();
            send(h, frame("i2v", 0, 1, png(image(64, Color.CYAN, 0))));
            assertThat(h.extractOutputValues()).singleElement().satisfies(c -> {
                assertThat(c.frames).hasNumberOfRows(1);
                assertThat(c.audioOrNull()).isNull();
            });
            assertCleared(h);
        }
    }

    @Test
    void aTextOnlyRequestPassesStraightThroughWithoutState() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, request("t2v", Task.TEXT_TO_VIDEO, 0, 0, 4));
            assertThat(h.extractOutputValues()).singleElement().satisfies(c -> {
                assertThat(c.frames).isEmpty();
                assertThat(c.decodedRequest().getRequestId()).isEqualTo("t2v");
            });
            assertCleared(h);
        }
    }

    @Test
    void mediaThatNeverArrivesDeadLettersTheRequestAndClearsStateAndTimer() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, request("slow", Task.VIDEO_TO_AUDIO, 3, 0, 3));
            send(h, frame("slow", 1, 3, png(image(64, Color.RED, 0))));
            h.setProcessingTime(1_000L + TIMEOUT_MS - 1);
            assertThat(dead(h)).isEmpty();
            h.setProcessingTime(1_000L + TIMEOUT_MS);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(dead(h)).singleElement().satisfies(d -> {
                assertThat(d.getRequestId()).isEqualTo("slow");
                assertThat(d.getSourceTopic()).isEqualTo(Topics.PROMPTS.name());
                assertThat(d.getStage()).isEqualTo(ConditionAssembler.STAGE);
                assertThat(d.getReason()).contains("incomplete after 30000 ms").contains("1 of 3 frames")
                        .contains("missing [0, 2]");
                assertThat(d.getValue()).isNotNull(); // the request's bytes
            });
            assertCleared(h);
        }
    }

    @Test
    void mediaWhoseRequestNeverComesIsDroppedAtTheTimeout() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, frame("ghost", 0, 2, png(image(64, Color.RED, 0))));
            send(h, frame("ghost", 1, 2, png(image(64, Color.RED, 8))));
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
            h.setProcessingTime(1_000L + TIMEOUT_MS);
            assertThat(dead(h)).singleElement().satisfies(d -> {
                assertThat(d.getRequestId()).isEqualTo("ghost");
                assertThat(d.getSourceTopic()).isEqualTo(Topics.MEDIA_IN.name());
                assertThat(d.getReason()).contains("2 conditioning frames").contains("did not come");
            });
            assertCleared(h);
        }
    }

    @Test
    void aBadImageAfterItsRequestDeadLettersChunkAndRequestAndClearsState() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, request("bad", Task.VIDEO_CONTINUATION, 2, 0, 4));
            send(h, frame("bad", 0, 2, png(image(64, Color.RED, 0))));
            byte[] broken = png(image(64, Color.RED, 0));
            java.util.Arrays.fill(broken, 20, broken.length, (byte) 7); // PNG signature, garbage after it
            send(h, frame("bad", 1, 2, broken));

            assertThat(h.extractOutputValues()).isEmpty();
            List<DeadLetter> letters = dead(h);
            assertThat(letters).hasSize(2);
            assertThat(letters.get(0).getSourceTopic()).isEqualTo(Topics.MEDIA_IN.name());
            assertThat(letters.get(0).getReason()).contains("conditioning frame 1").contains("not a valid image");
            assertThat(letters.get(1).getSourceTopic()).isEqualTo(Topics.PROMPTS.name());
            assertThat(letters.get(1).getReason()).contains("malformed").contains("conditioning frame 1");
            assertCleared(h);
        }
    }

    @Test
    void aBadChunkBeforeItsRequestIsRememberedUntilTheRequestComes() throws Exception {
        try (var h = harness()) {
            h.open();
            send(h, frame("early", 0, 2, "not an image".getBytes(StandardCharsets.UTF_8)));
            send(h, frame("early", 1, 2, png(image(64, Color.RED, 0))));
            assertThat(dead(h)).singleElement()
                    .satisfies(d -> assertThat(d.getReason()).contains("neither a PNG nor a JPEG"));
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

            send(h, request("early", Task.VIDEO_CONTINUATION, 2, 0, 4));
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(dead(h)).hasSize(2).last().satisfies(d -> {
                assertThat(d.getSourceTopic()).isEqualTo(Topics.PROMPTS.name());
                assertThat(d.getReason()).contains("malformed").contains("neither a PNG nor a JPEG");
            });
            assertCleared(h);
        }
    }

    @Test
    void outOfRangeWrongKindConflictingAndMislabelledChunksAreRejected() throws Exception {
        try (var h = harness()) {
            h.open();
            // index beyond the promise
            send(h, request("range", Task.VIDEO_CONTINUATION, 2, 0, 4));
            send(h, frame("range", 2, -1, png(image(64, Color.RED, 0))));
            // audio for a task that promised none
            send(h, request("kind", Task.IMAGE_TO_VIDEO, 1, 0, 4));
            send(h, audio("kind", 0, 1, wav(0.5, 16_000)));
            // the same index twice with different bytes
            send(h, frame("twice", 0, 2, png(image(64, Color.RED, 0))));
            send(h, frame("twice", 0, 2, png(image(64, Color.BLUE, 0))));
            send(h, request("twice", Task.VIDEO_CONTINUATION, 2, 0, 4));
            // a WAV labelled as a frame, and a total the request contradicts
            send(h, request("label", Task.VIDEO_TO_AUDIO, 1, 0, 1));
            send(h, ConditionMedia.chunk("label", MediaKind.VIDEO_FRAME, 0, 1, "image/png", wav(0.1, 16_000)));
            send(h, frame("total", 0, 5, png(image(64, Color.RED, 0))));
            send(h, request("total", Task.VIDEO_CONTINUATION, 2, 0, 4));
            // an index past condition.max-frames, no request
            send(h, frame("huge", MAX_FRAMES, -1, png(image(64, Color.RED, 0))));

            assertThat(h.extractOutputValues()).isEmpty();
            List<String> reasons = dead(h).stream().map(d -> d.getRequestId() + ": " + d.getReason()).toList();
            assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("range: conditioning frame 2 is out of range"));
            assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("kind: conditioning audio chunk 0 is out of range"));
            assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("twice: conditioning frame 0 arrived twice"));
            assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("twice: its conditioning media was malformed"));
            assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("label: conditioning frame 0").contains("neither"));
            assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("total: the conditioning frames say total 5"));
            assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("huge: conditioning frame 8: index must be"));
            // every request was decided; only "huge" (no request) keeps its reason until the timer
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);
            h.setProcessingTime(1_000L + TIMEOUT_MS);
            assertCleared(h);
        }
    }
}
