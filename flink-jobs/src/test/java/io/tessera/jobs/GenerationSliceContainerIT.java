package io.tessera.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.embedded.EmbeddedKafka;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The thin slice of {@link GenerationSliceIT} against Kafka's official container image, for users with a
 * Docker engine. Without one the class is reported as skipped; {@link GenerationSliceIT} covers the same
 * behaviour with the in-process KRaft broker.
 */
@Testcontainers(disabledWithoutDocker = true)
class GenerationSliceContainerIT {

    /** Kafka's own image at the version every Tessera component is pinned to. */
    static final String KAFKA_IMAGE = "apache/kafka:4.2.2";

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(KAFKA_IMAGE);

    static Path work;

    @BeforeAll
    static void createTopics() throws Exception {
        work = Files.createDirectories(Path.of("target", "tmp", "slice-container-" + UUID.randomUUID()));
        EmbeddedKafka.createTopics(KAFKA.getBootstrapServers(), Topics.ALL);
    }

    @Test
    void aPromptStreamsOrderedChunksAndDecodedFramesThroughTheContainerBroker() throws Exception {
        String requestId = "slice-tc-" + UUID.randomUUID();
        GenerationSliceIT.Observed seen =
                GenerationSliceIT.runSlice(work, KAFKA.getBootstrapServers(), DeliveryGuarantee.AT_LEAST_ONCE, requestId);
        TokenChunk last = GenerationSliceIT.assertSlice(seen, requestId);
        assertThat(seen.firstReceivedAtMs()).isLessThanOrEqualTo(last.getEmittedAtMs());
    }
}
