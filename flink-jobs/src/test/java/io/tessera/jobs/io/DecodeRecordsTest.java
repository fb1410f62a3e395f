package io.tessera.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.jobs.generation.PromptValidator;
import io.tessera.records.DeadLetter;
import io.tessera.records.GenerationRequest;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.schemas.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class DecodeRecordsTest {

    static GenerationRequest request(String id, int frames, int samples) {
        return GenerationRequest.newBuilder()
                .setRequestId(id).setTask(Task.TEXT_TO_VIDEO).setPrompt("a red circle moving left")
                .setSampling(SamplingParams.newBuilder().setFrames(frames).setSamples(samples).setSeed(7).build())
                .build();
    }

    @Test
    void goodRecordsPassAndBadOnesBecomeDeadLettersWithTheirBytesAndReason() throws Exception {
        RecordCodec<GenerationRequest> codec = RecordCodec.of(GenerationRequest.class);
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        GenerationRequest good = request("ok", 2, 1);
        GenerationRequest zeroFrames = request("zero", 0, 1);
        GenerationRequest tooMany = request("many", 2, 99);
        GenerationRequest needsMedia = request("img", 2, 1);
        needsMedia.setTask(Task.IMAGE_TO_VIDEO);
        GenerationRequest badTemperature = request("temp", 2, 1);
        badTemperature.getSampling().setTemperature(0f);

        try (OneInputStreamOperatorTestHarness<RawRecord, GenerationRequest> h = ProcessFunctionTestHarnesses
                .forProcessFunction(new DecodeRecords<>(GenerationRequest.class, "test-stage", new PromptValidator(8, 4)))) {
            h.processElement(new RawRecord("tessera.prompts", 0, 0, "ok".getBytes(StandardCharsets.UTF_8),
                    codec.encode(good), 1L), 0);
            h.processElement(new RawRecord("tessera.prompts", 1, 41, "g".getBytes(StandardCharsets.UTF_8), garbage,
                    1L), 0);
            h.processElement(new RawRecord("tessera.prompts", 0, 1, null, null, 1L), 0);
            for (GenerationRequest bad : List.of(zeroFrames, tooMany, needsMedia, badTemperature)) {
                h.processElement(RawRecord.of("tessera.prompts", null, codec.encode(bad)), 0);
            }

            assertThat(h.extractOutputValues()).containsExactly(good);
            List<DeadLetter> dead = h.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
            assertThat(dead).hasSize(6);
            DeadLetter first = dead.get(0);
            assertThat(first.getSourceTopic()).isEqualTo("tessera.prompts");
            assertThat(first.getPartition()).isEqualTo(1);
            assertThat(first.getOffset()).isEqualTo(41L);
            assertThat(first.getValue().array()).isEqualTo(garbage);
            assertThat(first.getStage()).isEqualTo("test-stage");
            assertThat(first.getReason()).startsWith("cannot decode GenerationRequest");
            assertThat(first.getErrorClass()).isNotNull();
            assertThat(dead.get(1).getReason()).isEqualTo("record has no value");
            assertThat(dead.get(2).getReason()).contains("sampling.frames");
            assertThat(dead.get(3).getReason()).contains("sampling.samples");
            assertThat(dead.get(4).getReason()).contains("IMAGE_TO_VIDEO");
            assertThat(dead.get(5).getReason()).contains("temperature");
        }
    }
}
