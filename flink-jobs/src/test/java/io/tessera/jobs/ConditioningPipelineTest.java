package io.tessera.jobs;

import static io.tessera.jobs.condition.ConditionMedia.audio;
import static io.tessera.jobs.condition.ConditionMedia.frame;
import static io.tessera.jobs.condition.ConditionMedia.image;
import static io.tessera.jobs.condition.ConditionMedia.png;
import static io.tessera.jobs.condition.ConditionMedia.request;
import static io.tessera.jobs.condition.ConditionMedia.wav;
import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.Generator;
import io.tessera.generator.engine.EngineConfig;
import io.tessera.jobs.io.RawRecord;
import io.tessera.records.DeadLetter;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.RecordCodec;
import io.tessera.schemas.Topics;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * All four tasks end to end on a mini cluster (parallelism 2, Kryo disabled): prompts and their conditioning
 * media as raw records through GenerationJob (assembler, tokenization, generation) and DecodeJob (media).
 */
class ConditioningPipelineTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(PipelinesTest.clusterConfig())
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    static final int FRAMES = 2;

    static RawRecord prompt(GenerationRequest r) {
        return RawRecord.of(Topics.PROMPTS.name(), r.getRequestId().getBytes(StandardCharsets.UTF_8),
                RecordCodec.of(GenerationRequest.class).encode(r));
    }

    static RawRecord media(MediaChunk c) {
        return RawRecord.of(Topics.MEDIA_IN.name(), c.getRequestId().getBytes(StandardCharsets.UTF_8),
                RecordCodec.of(MediaChunk.class).encode(c));
    }

    @Test
    void everyTaskRunsEndToEndAndMalformedMediaIsDeadLettered() throws Exception {
        BufferedImage still = image(64, Color.RED, 16);
        BufferedImage[] clip = {image(64, Color.BLUE, 0), image(48, Color.BLUE, 12), image(64, Color.BLUE, 24)};
        List<RawRecord> prompts = List.of(
                prompt(request("t2v", Task.TEXT_TO_VIDEO, 0, 0, FRAMES)),
                prompt(request("i2v", Task.IMAGE_TO_VIDEO, 1, 0, FRAMES)),
                prompt(request("vc", Task.VIDEO_CONTINUATION, 2, 1, FRAMES)),
                prompt(request("v2a", Task.VIDEO_TO_AUDIO, 3, 0, 16)), // frames is ignored: audio per given frame
                prompt(request("bad", Task.IMAGE_TO_VIDEO, 1, 0, FRAMES)));
        List<RawRecord> media = List.of(
                media(frame("i2v", 0, 1, png(still))),
                media(audio("vc", 0, 1, wav(0.5, 44_100))),
                media(frame("vc", 1, 2, png(clip[1]))),
                media(frame("vc", 0, 2, png(clip[0]))),
                media(frame("v2a", 2, 3, png(clip[2]))),
                media(frame("v2a", 0, 3, png(clip[0]))),
                media(frame("v2a", 1, 3, png(clip[1]))),
                media(frame("v2a", 1, 3, png(clip[1]))), // a repeat
                media(frame("bad", 0, 1, "GIF89a not supported".getBytes(StandardCharsets.UTF_8))));

        JobConfig cfg = JobConfig.defaults("127.0.0.1:9").withEngine(new EngineConfig(4, 4, 1024));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        TypeInformation<RawRecord> type = TypeInformation.of(RawRecord.class);
        DataStream<RawRecord> promptRecords = env.fromData(prompts, type);
        DataStream<RawRecord> none = promptRecords.filter(r -> false).returns(type);
        GenerationJob.Outputs gen = GenerationJob.pipeline(promptRecords, env.fromData(media, type), none, none, cfg,
                TestGenerators.loader());
        DecodeJob.Outputs dec = DecodeJob.pipeline(gen.tokens().map(new PipelinesTest.AsRawRecord()).returns(type),
                cfg, TestGenerators.loader());
        CloseableIterator<TokenChunk> tokens = gen.tokens().collectAsync();
        CloseableIterator<GenerationCompleted> generations = gen.generations().collectAsync();
        CloseableIterator<MediaChunk> out = dec.media().collectAsync();
        CloseableIterator<DeadLetter> dead = gen.deadLetters().union(dec.deadLetters()).collectAsync();
        JobClient job = env.executeAsync("conditioning-pipeline-test");
        List<TokenChunk> chunks = PipelinesTest.drain(tokens);
        Map<String, GenerationCompleted> done = PipelinesTest.drain(generations).stream()
                .collect(Collectors.toMap(GenerationCompleted::getRequestId, Function.identity()));
        List<MediaChunk> decoded = PipelinesTest.drain(out);
        List<DeadLetter> letters = PipelinesTest.drain(dead);
        job.getJobExecutionResult().get();

        assertThat(done.keySet()).containsExactlyInAnyOrder("t2v", "i2v", "vc", "v2a");
        assertThat(done.values()).allSatisfy(g -> assertThat(g.getFinishReason()).isEqualTo(FinishReason.LENGTH));
        try (Generator g = TestGenerators.loader().load()) {
            var vocab = g.tokenizers().vocabulary();
            int perFrame = g.layout().generatedTokensPerFrame(Task.TEXT_TO_VIDEO);
            int video = g.layout().videoTokensPerFrame();
            for (String id : List.of("t2v", "i2v", "vc")) {
                assertThat(done.get(id).getTokens()).as(id).hasSize(FRAMES * perFrame);
            }
            // VIDEO_TO_AUDIO: one audio token per conditioning frame, nothing else
            assertThat(done.get("v2a").getTokens()).hasSize(3).allSatisfy(t -> assertThat(vocab.isAudio(t)).isTrue());

            // The prefixes hold the tokenized media: same prompt, so they differ by the conditioning only.
            int base = done.get("t2v").getPrefixTokens().size();
            assertThat(done.get("i2v").getPrefixTokens()).hasSize(base + video + 1);
            assertThat(done.get("vc").getPrefixTokens()).hasSize(base + 2 * (video + 1));
            assertThat(done.get("v2a").getPrefixTokens()).hasSize(base + 3 * video + 2);
            List<Integer> stillTokens = ints(g.tokenizers().encodeFrame(still));
            assertThat(done.get("i2v").getPrefixTokens().subList(base, base + video)).isEqualTo(stillTokens);
            assertThat(done.get("vc").getPrefixTokens().subList(base + video + 1, base + 2 * video + 1))
                    .isEqualTo(ints(g.tokenizers().encodeFrame(clip[1])));
            assertThat(done.get("v2a").getPrefixTokens().subList(base + 2 * video, base + 3 * video))
                    .isEqualTo(ints(g.tokenizers().encodeFrame(clip[2])));
            // continuation: the given audio's token follows each given frame
            assertThat(vocab.isAudio(done.get("vc").getPrefixTokens().get(base + video))).isTrue();
        }

        // chunks: dense, final last, adding up to the completed tokens
        Map<String, List<TokenChunk>> bySample = chunks.stream().collect(Collectors.groupingBy(TokenChunk::getRequestId));
        for (GenerationCompleted g : done.values()) {
            List<TokenChunk> own = bySample.get(g.getRequestId());
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < own.size(); i++) {
                assertThat(own.get(i).getSeq()).isEqualTo(i);
                assertThat(own.get(i).getTask()).isEqualTo(g.getTask());
                all.addAll(own.get(i).getTokens());
            }
            assertThat(own.get(own.size() - 1).getFinal$()).isTrue();
            assertThat(all).isEqualTo(g.getTokens());
        }

        // media: frames for the video tasks, audio only for VIDEO_TO_AUDIO
        Map<String, Map<MediaKind, Long>> kinds = decoded.stream().collect(Collectors.groupingBy(
                MediaChunk::getRequestId, Collectors.groupingBy(MediaChunk::getKind, Collectors.counting())));
        for (String id : List.of("t2v", "i2v", "vc")) {
            assertThat(kinds.get(id)).as(id).containsEntry(MediaKind.VIDEO_FRAME, (long) FRAMES)
                    .containsKey(MediaKind.AUDIO);
        }
        assertThat(kinds.get("v2a")).containsOnlyKeys(MediaKind.AUDIO);
        assertThat(decoded).filteredOn(MediaChunk::getFinal$).extracting(MediaChunk::getRequestId)
                .containsExactlyInAnyOrder("t2v", "i2v", "vc", "v2a");

        // the malformed image: its chunk and its request are dead-lettered, nothing else is
        assertThat(letters).allSatisfy(d -> assertThat(d.getRequestId()).isEqualTo("bad"));
        assertThat(letters).extracting(DeadLetter::getSourceTopic)
                .containsExactlyInAnyOrder(Topics.MEDIA_IN.name(), Topics.PROMPTS.name());
        assertThat(letters).allSatisfy(d -> assertThat(d.getReason()).contains("neither a PNG nor a JPEG"));
    }

    static List<Integer> ints(int[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
