package io.tessera.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

class JobConfigTest {

    @Test
    void defaultsAreValidAndDocumented() {
        JobConfig cfg = JobConfig.defaults("127.0.0.1:9092");
        assertThat(cfg.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(cfg.delivery()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(cfg.checkpointInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(cfg.engine().maxBatch()).isEqualTo(32);
        assertThat(cfg.dlqTopic()).isEqualTo("tessera.dlq");
        assertThat(cfg.startingOffsets()).isEqualTo(JobConfig.StartingOffsets.COMMITTED_OR_EARLIEST);
        assertThat(cfg.conditionTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(cfg.conditionMaxFrames()).isEqualTo(64);
        assertThat(cfg.conditionMaxImageSide()).isEqualTo(4096);
        assertThat(cfg.bufferTimeout()).isZero();
        assertThat(cfg.batchWindow()).isEqualTo(new io.tessera.jobs.generation.BatchWindow(30, 4));
        assertThat(cfg.engine().swapPrefillTokens()).isEqualTo(256);
    }

    @Test
    void latencyAndSwapOptionsAreReadAndChecked() {
        JobConfig cfg = JobConfig.fromArgs(new String[] {"--bootstrap", "x:1", "--buffer-timeout", "5 ms",
            "--engine.batch-window", "0 ms", "--engine.batch-quiet", "2 ms", "--engine.swap-prefill-tokens", "64"});
        assertThat(cfg.bufferTimeout()).isEqualTo(Duration.ofMillis(5));
        assertThat(cfg.engineBatchWindow()).isZero();
        assertThat(cfg.engineBatchQuiet()).isEqualTo(Duration.ofMillis(2));
        assertThat(cfg.batchWindow().enabled()).isFalse();
        assertThat(cfg.engine().swapPrefillTokens()).isEqualTo(64);
        assertThat(cfg.withEngine(new io.tessera.generator.engine.EngineConfig(2, 2, 64, 8)).engine()
                .swapPrefillTokens()).isEqualTo(8);
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--bootstrap", "x:1", "--engine.batch-window", "2 s"}))
                .hasMessageContaining("engine.batch-window");
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--bootstrap", "x:1", "--engine.batch-quiet", "-1 ms"}))
                .hasMessageContaining("engine.batch-quiet");
        assertThat(JobConfig.fromArgs(new String[] {"--bootstrap", "x:1", "--engine.swap-prefill-tokens", "0"})
                .engine().swapPrefillTokens()).as("0: samples finish on their policy").isZero();
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--bootstrap", "x:1",
            "--engine.swap-prefill-tokens", "-1"})).hasMessageContaining("swapPrefillTokens");
    }

    @Test
    void conditioningOptionsAreReadAndChecked() {
        JobConfig cfg = JobConfig.fromArgs(new String[] {
            "--bootstrap", "x:1", "--condition.timeout", "5 s", "--condition.max-frames", "8"});
        assertThat(cfg.conditionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(cfg.conditionMaxFrames()).isEqualTo(8);
        assertThat(cfg.withConditionTimeout(Duration.ofMillis(50)).conditionTimeout()).isEqualTo(Duration.ofMillis(50));
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--bootstrap", "x:1", "--condition.timeout", "0 ms"}))
                .hasMessageContaining("condition.timeout");
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--bootstrap", "x:1", "--condition.max-frames", "0"}))
                .hasMessageContaining("condition.max-frames");
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {
            "--bootstrap", "x:1", "--condition.max-image-side", "-3"})).hasMessageContaining("condition.max-image-side");
    }

    @Test
    void argumentsOverrideDefaults() {
        JobConfig cfg = JobConfig.fromArgs(new String[] {
            "--bootstrap", "127.0.0.1:1234", "--checkpoint-interval", "500 ms", "--delivery", "exactly-once",
            "--engine.max-batch", "4", "--starting-offsets", "latest"});
        assertThat(cfg.bootstrapServers()).isEqualTo("127.0.0.1:1234");
        assertThat(cfg.checkpointInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(cfg.delivery()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(cfg.engine().maxBatch()).isEqualTo(4);
        assertThat(cfg.startingOffsets()).isEqualTo(JobConfig.StartingOffsets.LATEST);
    }

    @Test
    void invalidValuesNameTheKey() {
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--checkpoint-interval", "5 ms", "--bootstrap", "x:1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("checkpoint-interval");
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--max-frames", "0"}))
                .hasMessageContaining("bootstrap");
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--bootstrap", "x:1", "--engine.max-batch", "0"}))
                .hasMessageContaining("engine");
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--bootstrap", "x:1", "--starting-offsets", "soon"}))
                .hasMessageContaining("starting-offsets");
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--bootstrap"}))
                .hasMessageContaining("--key value");
    }
}
