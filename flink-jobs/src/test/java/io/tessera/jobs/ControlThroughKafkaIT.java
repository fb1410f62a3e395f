package io.tessera.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.generator.Generator;
import io.tessera.generator.model.Policy;
import io.tessera.records.Cancel;
import io.tessera.records.DeadLetter;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationRequest;
import io.tessera.records.PolicyUpdate;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.Topic;
import io.tessera.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cancel and hot-swap through Kafka, as {@code tessera up} runs them: an in-process broker and GenerationJob from
 * {@link GenerationJob#addToEnvironment} on a local cluster (parallelism 2, the default model). While requests
 * run, a {@code Cancel} on {@code tessera.control} stops one of them (its samples end with a final CANCELLED
 * chunk, long before their length), and a {@code PolicyUpdate} on {@code tessera.policy} (the default model's
 * weights, version + 1) changes the version stamped on the later chunks of the others without a restart. Prints
 * how many tokens the cancelled request made after the cancel was published, and the chunk gap around the swap
 * against the usual gap.
 */
class ControlThroughKafkaIT {

    static final int LONG_FRAMES = 48;
    /** Chunks a swapped request must have made (some on the new version) before the test ends it. */
    static final int SWAP_CHUNKS_AFTER = 6;
    static final Duration PATIENCE = Duration.ofMinutes(12);

    @RegisterExtension
    static final TestBroker BROKER = new TestBroker("control");

    @Test
    void aCancelStopsARunningRequestAndAPolicyUpdateChangesTheVersionOfLaterChunks() throws Exception {
        String run = "ctl-" + UUID.randomUUID().toString().substring(0, 8);
        String cancelled = run + "-cancel";
        List<String> swapped = List.of(run + "-a", run + "-b");
        String modelId;
        long baseVersion;
        byte[] weights;
        try (Generator g = Generator.loadDefault()) {
            modelId = g.modelId();
            baseVersion = g.policy().version();
            weights = g.policy().toBytes();
        }
        long nextVersion = baseVersion + 1;
        // By reference, as PolicyJob publishes weights over 512 KiB: 17.7 MB inline would cross Flink's network
        // stack as one record and be deserialized on the generate task's thread (~2 s here).
        Path weightsFile = Files.write(BROKER.work().resolve("policy-v" + nextVersion + ".bin"), weights);

        Configuration conf = LocalCluster.configuration(BROKER.work(), 0); // a restart would fail the job: none expected
        conf.setString("pipeline.generic-types", "false");
        // The applied policy is checkpointed with its weights (17.7 MB for the default model): file checkpoint
        // storage, as `tessera up` has; the JobManager's in-memory storage stops at 5 MB.
        conf.setString("execution.checkpointing.dir", BROKER.work().resolve("checkpoints").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        JobConfig cfg = JobConfig.fromArgs(new String[] {
            "--bootstrap", BROKER.bootstrap(), "--group-prefix", run, "--checkpoint-interval", "1 s"});
        GenerationJob.addToEnvironment(env, cfg);
        JobClient job = env.executeAsync("tessera-control-it");

        Map<String, List<TokenChunk>> chunks = new HashMap<>();
        Map<String, Long> finalSeenAt = new HashMap<>();
        List<DeadLetter> dead = new ArrayList<>();
        long cancelSentAt = -1;
        int tokensSeenAtCancel = -1;
        long updateSentAt = -1;
        java.util.Set<String> endSent = new java.util.HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(); KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            send(producer, Topics.PROMPTS, cancelled, request(cancelled, LONG_FRAMES));
            for (String id : swapped) {
                send(producer, Topics.PROMPTS, id, request(id, LONG_FRAMES));
            }
            producer.flush();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (finalSeenAt.size() < 1 + swapped.size()) {
                assertThat(System.nanoTime()).as("all requests ended within %s; cancel sent %s, update sent %s;"
                        + " chunks (seq:version) %s; final chunks seen %s", PATIENCE, cancelSentAt > 0,
                        updateSentAt > 0, progress(chunks), finalSeenAt.keySet()).isLessThan(deadline);
                JobStatus status = job.getJobStatus().get();
                assertThat(status.isGloballyTerminalState()).as("job ended early: %s", status).isFalse();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.topic().equals(Topics.DLQ.name())) {
                        dead.add(Topics.DLQ.codec().decode(r.value()));
                        continue;
                    }
                    TokenChunk c = Topics.TOKENS.codec().decode(r.value());
                    if (!c.getRequestId().startsWith(run)) {
                        continue;
                    }
                    chunks.computeIfAbsent(c.getRequestId(), k -> new ArrayList<>()).add(c);
                    if (c.getFinal$()) {
                        finalSeenAt.put(c.getRequestId(), System.currentTimeMillis());
                    }
                }
                List<TokenChunk> target = chunks.getOrDefault(cancelled, List.of());
                if (cancelSentAt < 0 && target.size() >= 2) {
                    TokenChunk last = target.get(target.size() - 1);
                    tokensSeenAtCancel = last.getFirstPosition() + last.getTokens().size();
                    send(producer, Topics.CONTROL, cancelled, Cancel.newBuilder().setRequestId(cancelled)
                            .setReason("control IT").setRequestedAtMs(System.currentTimeMillis()).build());
                    producer.flush();
                    cancelSentAt = System.currentTimeMillis();
                }
                if (updateSentAt < 0 && swapped.stream().allMatch(id -> chunks.getOrDefault(id, List.of()).size() >= 2)) {
                    send(producer, Topics.POLICY, "default", PolicyUpdate.newBuilder().setPolicyName("default")
                            .setVersion(nextVersion).setBaseVersion(baseVersion).setModelId(modelId)
                            .setUri(weightsFile.toUri().toString()).setSha256(Policy.sha256(weights))
                            .setCreatedAtMs(System.currentTimeMillis()).build());
                    producer.flush();
                    updateSentAt = System.currentTimeMillis();
                }
                // A swapped request has shown both versions: end it now rather than after its whole length, so
                // the test does not depend on how the machine's decode speed compares with the weights' load time.
                for (String id : swapped) {
                    List<TokenChunk> own = chunks.getOrDefault(id, List.of());
                    boolean onNew = own.stream().anyMatch(c -> c.getPolicyVersion() == nextVersion && !c.getFinal$());
                    if (onNew && own.size() >= SWAP_CHUNKS_AFTER && endSent.add(id)) {
                        send(producer, Topics.CONTROL, id, Cancel.newBuilder().setRequestId(id)
                                .setReason("seen on the new version").setRequestedAtMs(System.currentTimeMillis())
                                .build());
                        producer.flush();
                    }
                }
            }
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
            try {
                job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
            } catch (ExecutionException expected) {
                // CANCELED
            }
        }

        assertThat(dead).as("dead letters").noneMatch(d -> d.getRequestId() != null && d.getRequestId().startsWith(run));
        // The cancelled request: one gap-free run of chunks ending in a CANCELLED final chunk, long before its end.
        List<TokenChunk> target = chunks.get(cancelled);
        assertDenseNoRepeats(target);
        TokenChunk end = target.get(target.size() - 1);
        assertThat(end.getFinishReason()).isEqualTo(FinishReason.CANCELLED);
        int cancelledTokens = end.getFirstPosition() + end.getTokens().size();
        assertThat(cancelledTokens).isLessThan(LONG_FRAMES * 17);
        System.out.printf("CANCEL tokens_seen_when_sent=%d tokens_total=%d tokens_after_send=%d"
                        + " (an upper bound: the consumer sees a chunk per 17 tokens) cancel_to_final_chunk_ms=%d%n",
                tokensSeenAtCancel, cancelledTokens, cancelledTokens - tokensSeenAtCancel,
                finalSeenAt.get(cancelled) - cancelSentAt);

        // The swap: each running sample's chunks go from the old version to the new one, once, without a restart
        // (no repeated seq: a restart would have replayed chunks).
        double worstExtra = 0;
        for (String id : swapped) {
            List<TokenChunk> own = chunks.get(id);
            assertDenseNoRepeats(own);
            assertThat(own.get(own.size() - 1).getFinishReason()).isEqualTo(FinishReason.CANCELLED);
            List<Long> versions = own.stream().map(TokenChunk::getPolicyVersion).toList();
            assertThat(versions.get(0)).as("%s starts on the old version", id).isEqualTo(baseVersion);
            assertThat(versions.get(versions.size() - 1)).as("%s ends on the new version", id).isEqualTo(nextVersion);
            assertThat(versions).as("%s: versions never go back", id).isSorted();
            int firstNew = versions.indexOf(nextVersion);
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < own.size() - 1; i++) { // the final chunk may be partial: left out
                if (i != firstNew) {
                    gaps.add(own.get(i).getEmittedAtMs() - own.get(i - 1).getEmittedAtMs());
                }
            }
            long swapGap = own.get(firstNew).getEmittedAtMs() - own.get(firstNew - 1).getEmittedAtMs();
            List<Long> sorted = gaps.stream().sorted().toList();
            long median = sorted.get(sorted.size() / 2);
            worstExtra = Math.max(worstExtra, swapGap - median);
            System.out.printf("SWAP %s v%d->v%d at chunk %d: chunk gap around the swap %d ms, usual gap median %d ms"
                            + " max %d ms (17 decode steps per chunk); extra %d ms%n", id, baseVersion, nextVersion,
                    firstNew, swapGap, median, sorted.get(sorted.size() - 1), swapGap - median);
        }
        System.out.printf("SWAP longest_extra_pause_ms=%.0f update_published_after_ms=%d%n", worstExtra,
                updateSentAt - cancelSentAt);
    }

    static Map<String, List<String>> progress(Map<String, List<TokenChunk>> chunks) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        chunks.forEach((id, own) -> out.put(id, own.stream().map(c -> c.getSeq() + ":" + c.getPolicyVersion()
                + (c.getFinal$() ? ":" + c.getFinishReason() : "")).toList()));
        return out;
    }

    static void assertDenseNoRepeats(List<TokenChunk> own) {
        assertThat(own).isNotEmpty();
        for (int i = 0; i < own.size(); i++) {
            assertThat(own.get(i).getSeq()).isEqualTo(i);
            assertThat(own.get(i).getFinal$()).isEqualTo(i == own.size() - 1);
        }
    }

    static GenerationRequest request(String id, int frames) {
        return GenerationRequest.newBuilder().setRequestId(id).setTask(Task.TEXT_TO_VIDEO)
                .setPrompt("a red circle moving left")
                .setSampling(SamplingParams.newBuilder().setFrames(frames).setSeed(id.hashCode()).build())
                .setCreatedAtMs(System.currentTimeMillis()).build();
    }

    static <V extends SpecificRecord> void send(KafkaProducer<byte[], byte[]> producer, Topic<V> topic, String key,
            V value) {
        producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8),
                topic.codec().encode(value)));
    }

    static KafkaProducer<byte[], byte[]> producer() {
        return BROKER.producer();
    }

    static KafkaConsumer<byte[], byte[]> consumer() {
        return BROKER.consumer("read_uncommitted", List.of(Topics.TOKENS.name(), Topics.DLQ.name()));
    }
}
