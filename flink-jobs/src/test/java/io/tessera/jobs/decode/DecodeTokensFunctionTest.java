package io.tessera.jobs.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.engine.EngineConfig;
import io.tessera.jobs.TestGenerators;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.media.Png;
import io.tessera.media.Wav;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import io.tessera.jobs.generation.GenerateHarness;
import java.awt.image.BufferedImage;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The decode function in the keyed operator harness, fed with chunks the real generate operator made. */
class DecodeTokensFunctionTest {

    static final int FRAMES = 3;
    static final int AUDIO_FRAMES_PER_CHUNK = 2;
    static final long GAP_TIMEOUT = 10_000L;
    static List<TokenChunk> chunks;

    @BeforeAll
    static void generate() throws Exception {
        GenerationRequest request = GenerationRequest.newBuilder()
                .setRequestId("req").setTask(Task.TEXT_TO_VIDEO).setPrompt("a green square bouncing")
                .setSampling(SamplingParams.newBuilder().setFrames(FRAMES).setSamples(1).setSeed(3L).build())
                .build();
        try (var h = new GenerateHarness(new EngineConfig(2, 2, 1024))) {
            h.open();
            h.prompt(request);
            h.endPrompts();
            chunks = h.extractOutputValues();
        }
        assertThat(chunks).hasSize(FRAMES + 1); // the first token alone, then a chunk per frame
    }

    static KeyedOneInputStreamOperatorTestHarness<String, TokenChunk, MediaChunk> harness(long doneRetention)
            throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new DecodeTokensFunction(TestGenerators.loader(), AUDIO_FRAMES_PER_CHUNK, GAP_TIMEOUT, doneRetention),
                DecodeTokensFunction::sampleKey, Types.STRING);
        h.setProcessingTime(1_000L);
        return h;
    }

    static void feed(KeyedOneInputStreamOperatorTestHarness<String, TokenChunk, MediaChunk> h, List<TokenChunk> in)
            throws Exception {
        for (TokenChunk c : in) {
            h.processElement(c, 0);
        }
    }

    @Test
    void decodesEveryFrameAndTheAudioThenClearsAllStateOfTheSample() throws Exception {
        try (var h = harness(0)) {
            feed(h, chunks);
            List<MediaChunk> media = h.extractOutputValues();

            List<MediaChunk> frames = media.stream().filter(m -> m.getKind() == MediaKind.VIDEO_FRAME).toList();
            assertThat(frames).extracting(MediaChunk::getIndex).containsExactly(0, 1, 2);
            for (MediaChunk f : frames) {
                assertThat(f.getContentType()).isEqualTo("image/png");
                BufferedImage image = Png.decode(bytes(f));
                assertThat(image.getWidth()).isEqualTo(64);
                assertThat(image.getHeight()).isEqualTo(64);
                assertThat(f.getRequestId()).isEqualTo("req");
            }
            List<MediaChunk> audio = media.stream().filter(m -> m.getKind() == MediaKind.AUDIO).toList();
            assertThat(audio).isNotEmpty();
            assertThat(audio).extracting(MediaChunk::getIndex)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, audio.size()).boxed().toList());
            for (MediaChunk a : audio) {
                assertThat(Wav.decode(bytes(a)).sampleRate()).isEqualTo(16_000);
            }
            assertThat(media).filteredOn(MediaChunk::getFinal$).singleElement().isSameAs(media.get(media.size() - 1));
            assertThat(h.getSideOutput(DeadLetters.TAG)).isNullOrEmpty();

            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void dropsRepeatsAndWaitsForGaps() throws Exception {
        List<MediaChunk> inOrder;
        try (var h = harness(0)) {
            feed(h, chunks);
            inOrder = h.extractOutputValues();
        }

        try (var h = harness(0)) {
            // seq 2 is missing: 0 and 1 (the first token, then the rest of frame 0) are decoded (0 is repeated),
            // 3 waits in state under a timer (and is repeated).
            feed(h, List.of(chunks.get(0), chunks.get(0), chunks.get(1), chunks.get(3), chunks.get(3)));
            int firstFrameOnly = h.extractOutputValues().size();
            assertThat(firstFrameOnly).isPositive().isLessThan(inOrder.size());
            assertThat(h.numKeyedStateEntries()).isPositive();
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

            feed(h, List.of(chunks.get(2)));
            assertThat(h.extractOutputValues())
                    .usingRecursiveFieldByFieldElementComparatorIgnoringFields("producedAtMs")
                    .containsExactlyElementsOf(inOrder);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void keepsOnlyAMarkerForLateRepeatsUntilTheRetentionTimerFires() throws Exception {
        try (var h = harness(5_000L)) {
            feed(h, chunks);
            int emitted = h.extractOutputValues().size();
            feed(h, List.of(chunks.get(0), chunks.get(FRAMES - 1)));
            assertThat(h.extractOutputValues()).hasSize(emitted);
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

            h.setProcessingTime(1_000L + 5_000L);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void aGapThatNeverFillsIsDeadLetteredAndCleared() throws Exception {
        try (var h = harness(0)) {
            feed(h, List.of(chunks.get(0), chunks.get(1), chunks.get(3)));
            assertThat(h.extractOutputValues()).isNotEmpty();
            h.setProcessingTime(1_000L + GAP_TIMEOUT);
            assertThat(h.getSideOutput(DeadLetters.TAG)).singleElement().satisfies(r -> {
                assertThat(r.getValue().getReason()).contains("stalled").contains("seq 2");
                assertThat(r.getValue().getRequestId()).isEqualTo("req");
            });
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    static byte[] bytes(MediaChunk m) {
        var buffer = m.getData().duplicate();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

}
