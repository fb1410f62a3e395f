package io.tessera.ingest;

import io.tessera.records.GenerationCompleted;
import io.tessera.records.MediaChunk;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.RecordDecodingException;
import io.tessera.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's one reader of results: assigns every partition of tessera.tokens, tessera.media.out,
 * tessera.generations and tessera.dlq (a refused request ends its stream) (no consumer group, nothing committed),
 * starts at the end offsets as of gateway start, and hands each record to the {@link EventHub}. A record that does not decode is logged and skipped; the jobs that
 * write these topics own their dead letters.
 */
final class ResultConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ResultConsumer.class);
    static final List<String> TOPICS = List.of(Topics.TOKENS.name(), Topics.MEDIA_OUT.name(),
            Topics.GENERATIONS.name(), Topics.DLQ.name());

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventHub hub;
    private final Thread thread;
    private volatile boolean running = true;

    /** Connects, assigns and fixes the start offsets before returning, so no record written after it is missed. */
    ResultConsumer(GatewayConfig cfg, EventHub hub) {
        this.hub = hub;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "tessera-gateway-results");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, cfg.readCommitted() ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MEDIA_OUT.maxMessageBytes());
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) cfg.produceTimeout().toMillis());
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : TOPICS) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, cfg.produceTimeout());
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalStateException("topic " + topic + " does not exist on Kafka at "
                            + cfg.bootstrapServers() + "; create the topics first (bin/tessera up does)");
                }
                infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // seekToEnd is lazy: resolve the end offsets now
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            if (e instanceof IllegalStateException) {
                throw e;
            }
            throw new IllegalStateException("cannot read the result topics from Kafka at " + cfg.bootstrapServers()
                    + ": " + e.getMessage(), e);
        }
        this.thread = new Thread(this::loop, "tessera-gateway-results");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    dispatch(r);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("result consumer woken unexpectedly", e);
            }
        } catch (RuntimeException e) {
            LOG.error("result consumer stopped; SSE streams get no more events", e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> r) {
        try {
            String topic = r.topic();
            if (topic.equals(Topics.TOKENS.name())) {
                TokenChunk c = Topics.TOKENS.codec().decode(r.value());
                hub.onToken(c);
            } else if (topic.equals(Topics.MEDIA_OUT.name())) {
                MediaChunk m = Topics.MEDIA_OUT.codec().decode(r.value());
                hub.onMedia(m);
            } else if (topic.equals(Topics.GENERATIONS.name())) {
                GenerationCompleted g = Topics.GENERATIONS.codec().decode(r.value());
                hub.onCompleted(g);
            } else if (topic.equals(Topics.DLQ.name())) {
                hub.onDeadLetter(Topics.DLQ.codec().decode(r.value()));
            } else {
                LOG.warn("record from unexpected topic {}", topic);
            }
        } catch (RecordDecodingException e) {
            LOG.warn("skipping undecodable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
        }
    }

    /** Whether the reader thread is still running (it stops only on close or an unexpected error). */
    boolean alive() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
