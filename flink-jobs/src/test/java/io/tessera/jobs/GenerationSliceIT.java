package io.tessera.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.media.Png;
import io.tessera.records.DeadLetter;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The thin slice end to end: a real Kafka broker (KRaft, in process) and an embedded Flink cluster running
 * GenerationJob and DecodeJob from their {@code addToEnvironment} entry points.
 */
class GenerationSliceIT {

    static final int FRAMES = 12;
    static final Duration PATIENCE = Duration.ofMinutes(3);
    @RegisterExtension
    static final TestBroker BROKER = new TestBroker("slice");

    @Test
    void aPromptStreamsOrderedChunksAndDecodedFramesAndGarbageLandsOnTheDlq() throws Exception {
        String requestId = "slice-" + UUID.randomUUID();
        Observed seen = runSlice(BROKER.work(), BROKER.bootstrap(), DeliveryGuarantee.AT_LEAST_ONCE, requestId);
        TokenChunk last = assertSlice(seen, requestId);
        // Incremental: the consumer had the first chunk before the operator produced the last one.
        assertThat(seen.firstReceivedAtMs()).isLessThanOrEqualTo(last.getEmittedAtMs());
    }

    /** The same slice with transactional sinks: same content; chunks become visible only at checkpoints. */
    @Test
    void exactlyOnceSinksDeliverTheSameSliceAtCheckpointBoundaries() throws Exception {
        String requestId = "slice-eo-" + UUID.randomUUID();
        Observed seen = runSlice(BROKER.work(), BROKER.bootstrap(), DeliveryGuarantee.EXACTLY_ONCE, requestId);
        assertSlice(seen, requestId);
    }

    /** Runs both jobs from their addToEnvironment entry points on a local cluster until the request is done. */
    static Observed runSlice(Path work, String bootstrap, DeliveryGuarantee delivery, String requestId)
            throws Exception {
        String run = requestId.substring(0, requestId.indexOf('-', 6));
        Configuration conf = LocalCluster.configuration(work, 2);
        conf.setString("pipeline.generic-types", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        JobConfig cfg = JobConfig.fromArgs(new String[] {
            "--bootstrap", bootstrap, "--checkpoint-interval", "1 s",
            "--group-prefix", "it-" + requestId, "--transactional-id-prefix", "it-" + requestId,
            "--delivery", delivery == DeliveryGuarantee.EXACTLY_ONCE ? "exactly-once" : "at-least-once"});
        GenerationJob.addToEnvironment(env, cfg);
        DecodeJob.addToEnvironment(env, cfg);
        JobClient job = env.executeAsync("tessera-slice-it");
        try {
            long published = publish(bootstrap, requestId);
            Observed seen = consumeUntilDone(bootstrap, requestId);
            report(run, delivery, published, seen);
            return seen;
        } finally {
            job.cancel().get();
            try {
                job.getJobExecutionResult().get(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException cancelled) {
                // expected: the job ends CANCELED; waiting here lets it stop before the broker does
            }
        }
    }

    /** Prints how fast chunks reached the consumer: the figures behind the module README's delivery choice. */
    static void report(String run, DeliveryGuarantee delivery, long publishedAtMs, Observed seen) {
        List<Long> lags = new ArrayList<>();
        for (int i = 0; i < seen.chunks().size(); i++) {
            lags.add(seen.receivedAtMs().get(i) - seen.chunks().get(i).getEmittedAtMs());
        }
        List<Long> sorted = lags.stream().sorted().toList();
        TokenChunk first = seen.chunks().get(0);
        TokenChunk last = seen.chunks().stream().filter(TokenChunk::getFinal$).findFirst().orElseThrow();
        System.out.printf("SLICE %s delivery=%s frames=%d chunks=%d first_chunk_after_publish_ms=%d"
                        + " generation_ms=%d emit_to_consumer_p50_ms=%d emit_to_consumer_max_ms=%d%n",
                run, delivery, FRAMES, seen.chunks().size(), seen.firstReceivedAtMs() - publishedAtMs,
                last.getEmittedAtMs() - first.getEmittedAtMs(), sorted.get(sorted.size() / 2),
                sorted.get(sorted.size() - 1));
    }

    static long publish(String bootstrap, String requestId) {
        GenerationRequest request = GenerationRequest.newBuilder()
                .setRequestId(requestId).setTask(Task.TEXT_TO_VIDEO).setPrompt("a red circle moving left")
                .setSampling(SamplingParams.newBuilder().setFrames(FRAMES).setSamples(1).setSeed(11L).build())
                .setCreatedAtMs(System.currentTimeMillis())
                .build();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(Topics.PROMPTS.name(), garbageKey(requestId),
                    new byte[] {(byte) 0xC3, 0x01, 1, 2, 3}));
            producer.send(new ProducerRecord<>(Topics.PROMPTS.name(), requestId.getBytes(StandardCharsets.UTF_8),
                    Topics.PROMPTS.codec().encode(request)));
            producer.flush();
        }
        return System.currentTimeMillis();
    }

    static byte[] garbageKey(String requestId) {
        return ("garbage-" + requestId).getBytes(StandardCharsets.UTF_8);
    }

    /** What the consumer saw, with the wall-clock time each token chunk reached it. */
    record Observed(List<TokenChunk> chunks, List<Long> receivedAtMs, List<MediaChunk> media, List<DeadLetter> dlq) {
        long firstReceivedAtMs() {
            for (int i = 0; i < chunks.size(); i++) {
                if (chunks.get(i).getSeq() == 0) {
                    return receivedAtMs.get(i);
                }
            }
            throw new AssertionError("no chunk with seq 0");
        }
    }

    static Observed consumeUntilDone(String bootstrap, String requestId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "slice-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Observed seen = new Observed(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(Topics.TOKENS.name(), Topics.MEDIA_OUT.name(), Topics.DLQ.name()));
            while (!done(seen, requestId)) {
                assertThat(System.nanoTime()).as("slice finished within %s; saw %d chunks, %d media, %d dead letters",
                        PATIENCE, seen.chunks().size(), seen.media().size(), seen.dlq().size()).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    if (r.topic().equals(Topics.TOKENS.name())) {
                        TokenChunk c = Topics.TOKENS.codec().decode(r.value());
                        if (c.getRequestId().equals(requestId)) {
                            seen.chunks().add(c);
                            seen.receivedAtMs().add(now);
                        }
                    } else if (r.topic().equals(Topics.MEDIA_OUT.name())) {
                        MediaChunk m = Topics.MEDIA_OUT.codec().decode(r.value());
                        if (m.getRequestId().equals(requestId)) {
                            seen.media().add(m);
                        }
                    } else {
                        DeadLetter d = Topics.DLQ.codec().decode(r.value());
                        if (d.getKey() != null && java.util.Arrays.equals(bytes(d.getKey()), garbageKey(requestId))) {
                            seen.dlq().add(d);
                        }
                    }
                }
            }
        }
        return seen;
    }

    static boolean done(Observed seen, String requestId) {
        boolean finalChunk = seen.chunks().stream().anyMatch(c -> c.getRequestId().equals(requestId) && c.getFinal$());
        boolean finalMedia = seen.media().stream().anyMatch(m -> m.getRequestId().equals(requestId) && m.getFinal$());
        return finalChunk && finalMedia && !seen.dlq().isEmpty();
    }

    static byte[] bytes(java.nio.ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    /** Ordered, gap-free chunks, a PNG per frame, the garbage on the DLQ; returns the final chunk. */
    static TokenChunk assertSlice(Observed seen, String requestId) {
        // Ordered, gap-free chunks after dropping repeats by (requestId, sample, seq); a repeat is identical.
        Map<Integer, TokenChunk> bySeq = new java.util.TreeMap<>();
        TokenChunk first = null;
        for (int i = 0; i < seen.chunks().size(); i++) {
            TokenChunk c = seen.chunks().get(i);
            assertThat(c.getRequestId()).isEqualTo(requestId);
            assertThat(c.getSampleIndex()).isZero();
            TokenChunk earlier = bySeq.putIfAbsent(c.getSeq(), c);
            if (earlier != null) {
                assertThat(c.getTokens()).isEqualTo(earlier.getTokens());
            }
            if (c.getSeq() == 0 && first == null) {
                first = c;
            }
        }
        List<TokenChunk> ordered = new ArrayList<>(bySeq.values());
        assertThat(bySeq.keySet()).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, ordered.size()).boxed().toList());
        assertThat(ordered).as("the first token alone, then a chunk per frame").hasSize(FRAMES + 1);
        TokenChunk last = ordered.get(ordered.size() - 1);
        assertThat(last.getFinal$()).isTrue();
        assertThat(ordered.subList(0, ordered.size() - 1)).noneMatch(TokenChunk::getFinal$);
        int position = 0;
        for (TokenChunk c : ordered) {
            assertThat(c.getFirstPosition()).isEqualTo(position);
            position += c.getTokens().size();
        }
        assertThat(first).isNotNull();

        // A decoded PNG for every frame.
        List<MediaChunk> frames = seen.media().stream()
                .filter(m -> m.getRequestId().equals(requestId) && m.getKind() == MediaKind.VIDEO_FRAME)
                .toList();
        assertThat(frames).extracting(MediaChunk::getIndex).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, FRAMES).boxed().toList());
        for (MediaChunk f : frames) {
            byte[] png = new byte[f.getData().remaining()];
            f.getData().duplicate().get(png);
            assertThat(Png.decode(png).getWidth()).isEqualTo(64);
        }

        // The garbage record on the DLQ with where it came from and why.
        assertThat(seen.dlq()).anySatisfy(d -> {
            assertThat(d.getSourceTopic()).isEqualTo(Topics.PROMPTS.name());
            assertThat(d.getStage()).isEqualTo(GenerationJob.DECODE_STAGE);
            assertThat(d.getReason()).startsWith("cannot decode GenerationRequest");
            assertThat(d.getOffset()).isGreaterThanOrEqualTo(0L);
            assertThat(d.getValue()).isNotNull();
        });
        return last;
    }
}
