package io.tessera.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tessera.generator.Generator;
import io.tessera.generator.engine.Admission;
import io.tessera.generator.engine.EngineConfig;
import io.tessera.generator.engine.FinishReason;
import io.tessera.generator.engine.GenerationEngine;
import io.tessera.generator.engine.SampleTimings;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenListener;
import io.tessera.jobs.generation.SampleSeeds;
import io.tessera.jobs.io.KafkaIo;
import io.tessera.jobs.io.RawRecord;
import io.tessera.records.DeadLetter;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 4's recovery proof on real components: an in-process Kafka broker and a local Flink cluster
 * (parallelism 2, 300 ms checkpoints, bounded restarts) run the Kafka-sourced GenerationJob pipeline with a
 * failure injected once, mid-generation, right after the generate operator (chained to it). Many requests,
 * some with two samples, are in flight when it fails. The consumed {@code tessera.tokens} and
 * {@code tessera.generations} must then read, per sample, as one complete gap-free sequence (after dropping
 * repeats by (requestId, sampleIndex, seq)), every repeat identical to its first copy, and the tokens equal
 * to what the bare engine produces for the same request and seed.
 */
class RecoveryIT {

    static final int REQUESTS = 16;
    static final int FRAMES = 6;
    /**
     * Chunks that must have passed the injector (over both subtasks; 20 of them are the samples' first tokens)
     * before the checkpoint the failure restores from, so that the restore resumes samples mid-way.
     */
    static final int FAIL_AFTER = 40;
    static final EngineConfig ENGINE = new EngineConfig(4, 4, 1024);
    static final Duration PATIENCE = Duration.ofMinutes(4);

    @RegisterExtension
    static final TestBroker BROKER = new TestBroker("recovery");

    @Test
    void aTaskFailureMidGenerationLosesDuplicatesAndContradictsNoToken() throws Exception {
        String run = "rec-" + UUID.randomUUID().toString().substring(0, 8);
        List<GenerationRequest> requests = requests(run);
        FailOnceAfter.reset();

        Configuration conf = LocalCluster.configuration(BROKER.work(), 3);
        conf.setString("pipeline.generic-types", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        env.enableCheckpointing(300, CheckpointingMode.EXACTLY_ONCE);
        JobConfig cfg = JobConfig.fromArgs(new String[] {
            "--bootstrap", BROKER.bootstrap(), "--group-prefix", run, "--delivery", "at-least-once"})
                .withEngine(ENGINE);
        DataStream<RawRecord> prompts = KafkaIo.read(env, cfg, Topics.PROMPTS.name(), GenerationJob.NAME);
        GenerationJob.Outputs out = GenerationJob.pipeline(prompts, cfg, TestGenerators.loader());
        DataStream<TokenChunk> tokens = out.tokens().map(new FailOnceAfter(FAIL_AFTER)).returns(out.tokens().getType())
                .name("inject-failure");
        tokens.sinkTo(KafkaIo.sink(cfg, Topics.TOKENS.name(), TokenChunk.class, TokenChunk::getRequestId,
                GenerationJob.NAME)).name("kafka:" + Topics.TOKENS.name());
        out.generations().sinkTo(KafkaIo.sink(cfg, Topics.GENERATIONS.name(), GenerationCompleted.class,
                GenerationCompleted::getRequestId, GenerationJob.NAME)).name("kafka:" + Topics.GENERATIONS.name());
        out.deadLetters().sinkTo(KafkaIo.sink(cfg, Topics.DLQ.name(), DeadLetter.class, DeadLetter::getRequestId,
                GenerationJob.NAME)).name("kafka:" + Topics.DLQ.name());

        publish(requests); // all of them before the job starts: backpressure keeps many in flight at once
        JobClient job = env.executeAsync("tessera-recovery-it");
        Consumed seen;
        try {
            seen = consumeUntilComplete(job, requests);
        } finally {
            job.cancel().get();
            try {
                job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
            } catch (ExecutionException cancelled) {
                // expected: CANCELED
            }
        }

        // The failure happened, after checkpoints, and the job recovered instead of finishing first.
        assertThat(FailOnceAfter.FAILED).as("the injected failure fired").isTrue();
        assertThat(FailOnceAfter.MAX_ATTEMPT.get()).as("a restarted attempt ran").isGreaterThanOrEqualTo(1);

        Map<String, int[]> oracleTokens = new HashMap<>();
        Map<String, float[]> oracleLogprobs = new HashMap<>();
        oracle(requests, oracleTokens, oracleLogprobs);

        int repeats = 0;
        for (GenerationRequest r : requests) {
            for (int i = 0; i < r.getSampling().getSamples(); i++) {
                String sample = SampleSeeds.sampleId(r.getRequestId(), i);
                List<TokenChunk> copies = seen.chunks().getOrDefault(sample, List.of());
                // Drop repeats by seq; a repeat must be an identical copy of the first one.
                TreeMap<Integer, TokenChunk> bySeq = new TreeMap<>();
                for (TokenChunk c : copies) {
                    TokenChunk first = bySeq.putIfAbsent(c.getSeq(), c);
                    if (first != null) {
                        repeats++;
                        assertThat(c).as("repeat of %s seq %d", sample, c.getSeq()).usingRecursiveComparison()
                                .ignoringFields("emittedAtMs").isEqualTo(first);
                    }
                }
                assertThat(bySeq.keySet()).as("seqs of %s", sample)
                        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, bySeq.size()).boxed().toList());
                List<TokenChunk> ordered = new ArrayList<>(bySeq.values());
                assertThat(ordered).as("chunks of %s (the first token alone, then one per frame)", sample)
                        .hasSize(FRAMES + 1);
                assertThat(ordered.get(ordered.size() - 1).getFinal$()).as("%s ends with a final chunk", sample).isTrue();
                assertThat(ordered.subList(0, ordered.size() - 1)).noneMatch(TokenChunk::getFinal$);
                List<Integer> all = new ArrayList<>();
                List<Float> allLogprobs = new ArrayList<>();
                for (TokenChunk c : ordered) {
                    assertThat(c.getFirstPosition()).as("firstPosition of %s seq %d", sample, c.getSeq())
                            .isEqualTo(all.size());
                    all.addAll(c.getTokens());
                    allLogprobs.addAll(c.getLogprobs());
                }
                int[] expected = oracleTokens.get(sample);
                assertThat(all).as("tokens of %s against the bare engine", sample)
                        .containsExactlyElementsOf(java.util.Arrays.stream(expected).boxed().toList());
                float[] expectedLogprobs = oracleLogprobs.get(sample);
                for (int p = 0; p < expectedLogprobs.length; p++) {
                    assertThat(allLogprobs.get(p)).as("logprob %d of %s", p, sample)
                            .isCloseTo(expectedLogprobs[p], within(1e-3f));
                }
                List<GenerationCompleted> done = seen.completed().getOrDefault(sample, List.of());
                assertThat(done).as("completion records of %s", sample).isNotEmpty();
                for (GenerationCompleted g : done) {
                    assertThat(g.getTokens()).containsExactlyElementsOf(all);
                    assertThat(g.getSeed()).isEqualTo(SampleSeeds.of(r.getSampling().getSeed(), i));
                }
            }
        }

        // The restore resumed samples mid-way: after the restart some sample's first chunk had seq > 0.
        long resumed = FailOnceAfter.FIRST_SEQ_AFTER_RESTART.values().stream().filter(s -> s > 0).count();
        System.out.printf("RECOVERY requests=%d samples=%d chunks_consumed=%d repeats=%d failed_after_chunks=%d "
                        + "samples_resumed_mid_way=%d samples_seen_after_restart=%d%n", requests.size(),
                oracleTokens.size(), seen.chunkCount(), repeats, FailOnceAfter.CHUNKS_AT_FAILURE.get(), resumed,
                FailOnceAfter.FIRST_SEQ_AFTER_RESTART.size());
        assertThat(resumed).as("samples restored from the checkpoint and resumed past seq 0").isPositive();
    }

    /** Requests of varied length and sampling, a quarter with two samples. */
    static List<GenerationRequest> requests(String run) {
        String[] prompts = {"a red circle moving left", "a blue square bouncing", "a yellow triangle moving right",
            "a green ball rolling down"};
        List<GenerationRequest> out = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            SamplingParams.Builder sampling = SamplingParams.newBuilder().setFrames(FRAMES)
                    .setSamples(i % 4 == 0 ? 2 : 1).setSeed(1000L + 31L * i);
            if (i % 3 == 1) {
                sampling.setTemperature(0.8f).setTopK(40);
            }
            out.add(GenerationRequest.newBuilder()
                    .setRequestId(run + "-" + i).setTask(Task.TEXT_TO_VIDEO).setPrompt(prompts[i % prompts.length])
                    .setSampling(sampling.build()).setCreatedAtMs(System.currentTimeMillis()).build());
        }
        return out;
    }

    static void publish(List<GenerationRequest> requests) {
        try (KafkaProducer<byte[], byte[]> producer = BROKER.producer()) {
            for (GenerationRequest r : requests) {
                producer.send(new ProducerRecord<>(Topics.PROMPTS.name(),
                        r.getRequestId().getBytes(StandardCharsets.UTF_8), Topics.PROMPTS.codec().encode(r)));
            }
            producer.flush();
        }
    }

    /** Every copy consumed, by sample id. */
    record Consumed(Map<String, List<TokenChunk>> chunks, Map<String, List<GenerationCompleted>> completed) {
        int chunkCount() {
            return chunks.values().stream().mapToInt(List::size).sum();
        }
    }

    /** Reads tokens, generations and the DLQ until every sample has a final chunk and a completion record. */
    static Consumed consumeUntilComplete(JobClient job, List<GenerationRequest> requests) throws Exception {
        String prefix = requests.get(0).getRequestId().substring(0, requests.get(0).getRequestId().lastIndexOf('-'));
        int samples = requests.stream().mapToInt(r -> r.getSampling().getSamples()).sum();
        Consumed seen = new Consumed(new HashMap<>(), new HashMap<>());
        java.util.Set<String> finals = new java.util.HashSet<>();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = BROKER.consumer("read_uncommitted",
                List.of(Topics.TOKENS.name(), Topics.GENERATIONS.name(), Topics.DLQ.name()))) {
            while (finals.size() < samples || seen.completed().size() < samples) {
                assertThat(System.nanoTime()).as("all %d samples finished within %s; %d final chunks, %d completions",
                        samples, PATIENCE, finals.size(), seen.completed().size()).isLessThan(deadline);
                JobStatus status = job.getJobStatus().get();
                assertThat(status.isGloballyTerminalState()).as("job ended early: %s", status).isFalse();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(Topics.TOKENS.name())) {
                        TokenChunk c = Topics.TOKENS.codec().decode(r.value());
                        if (c.getRequestId().startsWith(prefix)) {
                            String id = SampleSeeds.sampleId(c.getRequestId(), c.getSampleIndex());
                            seen.chunks().computeIfAbsent(id, k -> new ArrayList<>()).add(c);
                            if (c.getFinal$()) {
                                finals.add(id);
                            }
                        }
                    } else if (r.topic().equals(Topics.GENERATIONS.name())) {
                        GenerationCompleted g = Topics.GENERATIONS.codec().decode(r.value());
                        if (g.getRequestId().startsWith(prefix)) {
                            seen.completed().computeIfAbsent(SampleSeeds.sampleId(g.getRequestId(), g.getSampleIndex()),
                                    k -> new ArrayList<>()).add(g);
                        }
                    } else {
                        DeadLetter d = Topics.DLQ.codec().decode(r.value());
                        assertThat(d.getRequestId() == null || !d.getRequestId().startsWith(prefix))
                                .as("no request of this run is dead-lettered: %s", d.getReason()).isTrue();
                    }
                }
            }
            // A short grace poll so late repeats (if any) are checked too.
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.topic().equals(Topics.TOKENS.name())) {
                    TokenChunk c = Topics.TOKENS.codec().decode(r.value());
                    if (c.getRequestId().startsWith(prefix)) {
                        seen.chunks().computeIfAbsent(SampleSeeds.sampleId(c.getRequestId(), c.getSampleIndex()),
                                k -> new ArrayList<>()).add(c);
                    }
                }
            }
        }
        return seen;
    }

    /** The bare engine on the same requests and per-sample seeds, all submitted at once, no failure. */
    static void oracle(List<GenerationRequest> requests, Map<String, int[]> tokens, Map<String, float[]> logprobs) {
        Map<String, List<Integer>> toks = new HashMap<>();
        Map<String, List<Float>> lps = new HashMap<>();
        TokenListener listener = new TokenListener() {
            @Override
            public void onToken(String sampleId, int position, int token, float logprob, long policyVersion) {
                List<Integer> t = toks.computeIfAbsent(sampleId, k -> new ArrayList<>());
                assertThat(position).isEqualTo(t.size());
                t.add(token);
                lps.computeIfAbsent(sampleId, k -> new ArrayList<>()).add(logprob);
            }

            @Override
            public void onFinished(String sampleId, FinishReason reason, SampleTimings timings) {}
        };
        try (Generator generator = TestGenerators.tiny();
                GenerationEngine engine = generator.newEngine(new EngineConfig(ENGINE.maxBatch(), 64,
                        ENGINE.maxSequenceLength()))) {
            for (GenerationRequest r : requests) {
                SamplingParams s = r.getSampling();
                for (int i = 0; i < s.getSamples(); i++) {
                    SamplingConfig sampling = new SamplingConfig(s.getTemperature(), s.getTopK(), s.getTopP(),
                            s.getGuidanceScale(), SampleSeeds.of(s.getSeed(), i));
                    Admission a = engine.submit(generator.sampleRequest(SampleSeeds.sampleId(r.getRequestId(), i),
                            r.getTask(), r.getPrompt(), List.of(), null, s.getFrames(), sampling, System.nanoTime()),
                            listener);
                    assertThat(a).isEqualTo(Admission.ACCEPTED);
                }
            }
            while (engine.admitted() > 0) {
                engine.step();
            }
        }
        toks.forEach((id, t) -> tokens.put(id, t.stream().mapToInt(Integer::intValue).toArray()));
        lps.forEach((id, l) -> {
            float[] a = new float[l.size()];
            for (int k = 0; k < a.length; k++) {
                a[k] = l.get(k);
            }
            logprobs.put(id, a);
        });
    }

    /**
     * Chained right after the generate operator: passes chunks through and, in the first attempt only, throws
     * once a checkpoint has completed whose barrier came after more than {@code after} chunks had passed (both
     * subtasks together): one checkpoint completes with that many chunks seen (armed), and the failure waits for
     * the next one (checkpoints do not overlap, so its barrier came later). The restore then starts from
     * samples that were mid-way, however the checkpoints' timing falls on this machine. Static fields carry the flags across attempts (the local
     * cluster runs in this JVM); after the restart it records each sample's first seq seen.
     */
    static final class FailOnceAfter extends RichMapFunction<TokenChunk, TokenChunk> implements CheckpointListener {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger CHUNKS = new AtomicInteger();
        static final AtomicInteger CHUNKS_AT_FAILURE = new AtomicInteger(-1);
        static final java.util.concurrent.atomic.AtomicLong CHECKPOINTS = new java.util.concurrent.atomic.AtomicLong();
        /** The first checkpoint that completed after more than {@code after} chunks had passed. */
        static final java.util.concurrent.atomic.AtomicLong ARMED_AT = new java.util.concurrent.atomic.AtomicLong(
                Long.MAX_VALUE);
        static final AtomicInteger MAX_ATTEMPT = new AtomicInteger();
        static final Map<String, Integer> FIRST_SEQ_AFTER_RESTART = new ConcurrentHashMap<>();

        private final int after;
        private transient int attempt;

        FailOnceAfter(int after) {
            this.after = after;
        }

        static void reset() {
            FAILED.set(false);
            CHUNKS.set(0);
            CHUNKS_AT_FAILURE.set(-1);
            CHECKPOINTS.set(0);
            ARMED_AT.set(Long.MAX_VALUE);
            MAX_ATTEMPT.set(0);
            FIRST_SEQ_AFTER_RESTART.clear();
        }

        @Override
        public void open(OpenContext context) {
            attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
            MAX_ATTEMPT.accumulateAndGet(attempt, Math::max);
        }

        @Override
        public TokenChunk map(TokenChunk chunk) {
            int passed = CHUNKS.incrementAndGet();
            if (attempt == 0 && !FAILED.get() && CHECKPOINTS.get() > ARMED_AT.get()
                    && FAILED.compareAndSet(false, true)) {
                CHUNKS_AT_FAILURE.set(passed);
                throw new IllegalStateException("injected failure after " + passed + " chunks");
            }
            if (attempt > 0) {
                FIRST_SEQ_AFTER_RESTART.putIfAbsent(SampleSeeds.sampleId(chunk.getRequestId(), chunk.getSampleIndex()),
                        chunk.getSeq());
            }
            return chunk;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (attempt == 0) {
                CHECKPOINTS.accumulateAndGet(checkpointId, Math::max); // ids count completed checkpoints of attempt 0
                if (CHUNKS.get() > after) {
                    ARMED_AT.accumulateAndGet(checkpointId, Math::min);
                }
            }
        }
    }
}
