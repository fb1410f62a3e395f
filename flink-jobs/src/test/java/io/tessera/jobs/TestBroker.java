package io.tessera.jobs;

import io.tessera.embedded.EmbeddedKafka;
import io.tessera.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real-server fixture of the job ITs: an in-process KRaft broker with every Tessera topic, started once per
 * test class in its own work directory under {@code target/tmp}, plus byte-array clients on it. Register it as
 * {@code @RegisterExtension static final TestBroker BROKER = new TestBroker("name");}.
 */
public final class TestBroker implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private Path work;
    private EmbeddedKafka kafka;

    public TestBroker(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        work = Files.createDirectories(Path.of("target", "tmp", name + "-" + UUID.randomUUID()));
        kafka = EmbeddedKafka.start(work.resolve("kafka"), 0);
        kafka.createTopics(Topics.ALL);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** This class's work directory (checkpoints, weights files, the broker's log). */
    public Path work() {
        return work;
    }

    public String bootstrap() {
        return kafka.bootstrapServers();
    }

    /** A producer of raw bytes (keys and values), sending at once ({@code linger.ms} 0). */
    public KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.POLICY.maxMessageBytes());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(p);
    }

    /**
     * A consumer of raw bytes in a new group, from the earliest offset, subscribed to {@code topics}.
     *
     * @param isolation {@code read_committed} or {@code read_uncommitted}
     */
    public KafkaConsumer<byte[], byte[]> consumer(String isolation, Collection<String> topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, name + "-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(topics);
        return consumer;
    }
}
