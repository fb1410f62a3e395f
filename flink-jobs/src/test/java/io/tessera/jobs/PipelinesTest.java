package io.tessera.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.engine.EngineConfig;
import io.tessera.jobs.io.RawRecord;
import io.tessera.records.DeadLetter;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Both pipelines wired together in memory on a mini cluster with parallelism 2. */
class PipelinesTest {

    static Configuration clusterConfig() {
        Configuration conf = LocalCluster.configuration(Path.of("target", "tmp"), 1);
        conf.setString("pipeline.generic-types", "false"); // any Kryo fallback fails the job graph
        return conf;
    }

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(clusterConfig())
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    static RawRecord prompt(String id, int frames, int samples) {
        GenerationRequest r = GenerationRequest.newBuilder()
                .setRequestId(id).setTask(Task.TEXT_TO_VIDEO).setPrompt("a yellow triangle moving right")
                .setSampling(SamplingParams.newBuilder().setFrames(frames).setSamples(samples).setSeed(id.hashCode())
                        .build())
                .build();
        return RawRecord.of("tessera.prompts", id.getBytes(StandardCharsets.UTF_8),
                RecordCodec.of(GenerationRequest.class).encode(r));
    }

    /** What Kafka does between the jobs: encode the chunk with its codec, read it back as a raw record. */
    static final class AsRawRecord implements MapFunction<TokenChunk, RawRecord> {
        private transient RecordCodec<TokenChunk> codec;

        @Override
        public RawRecord map(TokenChunk chunk) {
            if (codec == null) {
                codec = RecordCodec.of(TokenChunk.class);
            }
            return RawRecord.of("tessera.tokens", chunk.getRequestId().getBytes(StandardCharsets.UTF_8),
                    codec.encode(chunk));
        }
    }

    @Test
    void promptsBecomeTokenChunksAndDecodedFramesAndGarbageBecomesADeadLetter() throws Exception {
        JobConfig cfg = JobConfig.defaults("127.0.0.1:9").withEngine(new EngineConfig(4, 4, 1024));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);

        List<RawRecord> input = List.of(prompt("p1", 3, 1), prompt("p2", 2, 2), prompt("p3", 2, 1),
                RawRecord.of("tessera.prompts", "junk".getBytes(StandardCharsets.UTF_8),
                        "garbage".getBytes(StandardCharsets.UTF_8)));
        DataStream<RawRecord> prompts = env.fromData(input, TypeInformation.of(RawRecord.class));

        GenerationJob.Outputs gen = GenerationJob.pipeline(prompts, cfg, TestGenerators.loader());
        DataStream<RawRecord> tokenRecords = gen.tokens().map(new AsRawRecord())
                .returns(TypeInformation.of(RawRecord.class));
        DecodeJob.Outputs dec = DecodeJob.pipeline(tokenRecords, cfg, TestGenerators.loader());

        CloseableIterator<TokenChunk> tokens = gen.tokens().collectAsync();
        CloseableIterator<GenerationCompleted> generations = gen.generations().collectAsync();
        CloseableIterator<MediaChunk> media = dec.media().collectAsync();
        CloseableIterator<DeadLetter> dead = gen.deadLetters().union(dec.deadLetters()).collectAsync();
        JobClient job = env.executeAsync("pipelines-test");

        List<TokenChunk> chunks = drain(tokens);
        List<GenerationCompleted> done = drain(generations);
        List<MediaChunk> frames = drain(media);
        List<DeadLetter> letters = drain(dead);
        job.getJobExecutionResult().get();

        assertThat(done).extracting(g -> g.getRequestId() + "#" + g.getSampleIndex())
                .containsExactlyInAnyOrder("p1#0", "p2#0", "p2#1", "p3#0");
        Map<String, List<TokenChunk>> bySample = chunks.stream()
                .collect(Collectors.groupingBy(c -> c.getRequestId() + "#" + c.getSampleIndex()));
        for (GenerationCompleted g : done) {
            List<TokenChunk> own = bySample.get(g.getRequestId() + "#" + g.getSampleIndex());
            assertThat(own).extracting(TokenChunk::getSeq)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, own.size()).boxed().toList());
            assertThat(own.get(own.size() - 1).getFinal$()).isTrue();
            assertThat(own).filteredOn(TokenChunk::getFinal$).hasSize(1);
            List<Integer> all = new ArrayList<>();
            own.forEach(c -> all.addAll(c.getTokens()));
            assertThat(all).isEqualTo(g.getTokens());
        }
        Map<String, Long> framesPerSample = frames.stream().filter(m -> m.getKind() == MediaKind.VIDEO_FRAME)
                .collect(Collectors.groupingBy(m -> m.getRequestId() + "#" + m.getSampleIndex(), Collectors.counting()));
        assertThat(framesPerSample).containsExactlyInAnyOrderEntriesOf(
                Map.of("p1#0", 3L, "p2#0", 2L, "p2#1", 2L, "p3#0", 2L));
        assertThat(frames).filteredOn(MediaChunk::getFinal$).hasSize(4);
        assertThat(letters).singleElement().satisfies(d -> {
            assertThat(d.getSourceTopic()).isEqualTo("tessera.prompts");
            assertThat(d.getReason()).startsWith("cannot decode GenerationRequest");
            assertThat(d.getStage()).isEqualTo(GenerationJob.DECODE_STAGE);
        });
    }

    /** Fails the task once (first attempt only) after it has passed {@code after} chunks. */
    static final class FailOnce extends org.apache.flink.api.common.functions.RichMapFunction<TokenChunk, TokenChunk> {
        private final int after;
        private transient int seen;

        FailOnce(int after) {
            this.after = after;
        }

        @Override
        public TokenChunk map(TokenChunk chunk) {
            if (getRuntimeContext().getTaskInfo().getAttemptNumber() == 0 && ++seen > after) {
                throw new IllegalStateException("injected failure after " + after + " chunks");
            }
            return chunk;
        }
    }

    /** GenerationJob's pipeline on the prompts into chunk files; with {@code failAfter} > 0 a task fails once. */
    static List<TokenChunk> generate(List<RawRecord> input, int failAfter, String name) throws Exception {
        Path dir = java.nio.file.Files.createDirectories(Path.of("target", "tmp", name + "-" + java.util.UUID.randomUUID()));
        JobConfig cfg = JobConfig.defaults("127.0.0.1:9").withEngine(new EngineConfig(4, 4, 1024));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(100);
        GenerationJob.Outputs gen = GenerationJob.pipeline(env.fromData(input, TypeInformation.of(RawRecord.class)),
                cfg, TestGenerators.loader());
        DataStream<TokenChunk> tokens = failAfter > 0
                ? gen.tokens().map(new FailOnce(failAfter)).returns(gen.tokens().getType())
                : gen.tokens();
        tokens.sinkTo(new ChunkFilesSink(dir));
        env.execute(name);
        return ChunkFilesSink.read(dir);
    }

    @Test
    void aTaskFailureMidGenerationLosesDuplicatesAndContradictsNoToken() throws Exception {
        List<RawRecord> input = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            input.add(prompt("req-" + i, 3, 1));
        }
        List<TokenChunk> reference = generate(input, 0, "reference");
        List<TokenChunk> recovered = generate(input, 4, "recovered");
        System.out.println("RECOVERY reference=" + reference.size() + " recovered=" + recovered.size());

        // After dropping repeats by (requestId, sample, seq), the recovered run reads exactly as the
        // reference: every sample complete and gap-free, and a repeat holds the tokens of its first copy.
        Map<String, TokenChunk> firstCopies = new java.util.TreeMap<>();
        for (TokenChunk c : recovered) {
            String id = c.getRequestId() + "#" + c.getSampleIndex() + "#" + c.getSeq();
            TokenChunk earlier = firstCopies.putIfAbsent(id, c);
            if (earlier != null) {
                assertThat(c.getTokens()).isEqualTo(earlier.getTokens());
            }
        }
        Map<String, TokenChunk> expected = new java.util.TreeMap<>();
        reference.forEach(c -> expected.put(c.getRequestId() + "#" + c.getSampleIndex() + "#" + c.getSeq(), c));
        assertThat(expected).hasSize(6 * (1 + 3)); // per sample: the first token alone, then a chunk per frame
        assertThat(firstCopies.keySet()).isEqualTo(expected.keySet());
        for (String id : expected.keySet()) {
            assertThat(firstCopies.get(id)).usingRecursiveComparison().ignoringFields("emittedAtMs")
                    .isEqualTo(expected.get(id));
        }
    }

    static <T> List<T> drain(CloseableIterator<T> it) throws Exception {
        List<T> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
