package io.tessera.ingest;

import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.schemas.Topic;
import io.tessera.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes an accepted request: its conditioning media on tessera.media.in first, then the GenerationRequest on
 * tessera.prompts, all keyed by requestId, with an idempotent producer and {@code acks=all}, waiting for every
 * acknowledgement. Media go first so that the request record works as the commit: once a generator sees the
 * request, everything it promises is already durable on the broker, and a POST that fails half way leaves at most
 * orphan media that no request refers to, never a request that waits for media that will not come.
 */
final class RequestPublisher implements AutoCloseable {

    /** Kafka could not take the records in time; the gateway answers 503. */
    static final class PublishException extends Exception {
        PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaProducer<String, byte[]> producer;
    private final long timeoutMs;

    RequestPublisher(GatewayConfig cfg) {
        this.timeoutMs = cfg.produceTimeout().toMillis();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "tessera-gateway");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A POST waits for its acks, so batching buys nothing; latency matters.
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // send() blocks at most this long for metadata or buffer space, and a record is failed after it.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeoutMs));
        // One media record may be as large as the media topic allows.
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MEDIA_IN.maxMessageBytes());
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    void publish(GenerationRequest request, List<MediaChunk> media) throws PublishException {
        String key = request.getRequestId();
        List<Future<RecordMetadata>> acks = new ArrayList<>(media.size());
        try {
            for (MediaChunk m : media) {
                acks.add(send(Topics.MEDIA_IN, key, m));
            }
            producer.flush();
            await(acks, "conditioning media");
            await(List.of(send(Topics.PROMPTS, key, request)), "the request");
        } catch (KafkaException e) {
            throw new PublishException("Kafka refused the records: " + e.getMessage(), e);
        }
    }

    /** Publishes one record (a Cancel, a Feedback) keyed by {@code key} and waits for its acknowledgement. */
    <V extends org.apache.avro.specific.SpecificRecord> void publishOne(Topic<V> topic, String key, V value)
            throws PublishException {
        try {
            await(List.of(send(topic, key, value)), "the " + topic.name() + " record");
        } catch (KafkaException e) {
            throw new PublishException("Kafka refused the record: " + e.getMessage(), e);
        }
    }

    private <V extends org.apache.avro.specific.SpecificRecord> Future<RecordMetadata> send(Topic<V> topic,
            String key, V value) {
        return producer.send(new ProducerRecord<>(topic.name(), key, topic.codec().encode(value)));
    }

    private void await(List<Future<RecordMetadata>> acks, String what) throws PublishException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (Future<RecordMetadata> f : acks) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new PublishException("Kafka did not accept " + what + ": " + cause.getMessage(), cause);
            } catch (TimeoutException e) {
                throw new PublishException("Kafka did not acknowledge " + what + " within " + timeoutMs + " ms", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishException("interrupted while waiting for Kafka", e);
            }
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
