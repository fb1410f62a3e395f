package io.tessera.jobs;

import io.tessera.generator.engine.EngineConfig;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The settings of the Tessera jobs, validated once at start. Each field's key, default and meaning are
 * declared in {@link JobOptions}; the constructor fails fast with a message naming the key.
 *
 * @param bootstrapServers      {@link JobOptions#BOOTSTRAP}
 * @param groupPrefix           {@link JobOptions#GROUP_PREFIX}
 * @param checkpointInterval    {@link JobOptions#CHECKPOINT_INTERVAL}
 * @param delivery              {@link JobOptions#DELIVERY}
 * @param transactionalIdPrefix {@link JobOptions#TRANSACTIONAL_ID_PREFIX}
 * @param startingOffsets       {@link JobOptions#STARTING_OFFSETS}
 * @param engineMaxBatch        {@link JobOptions#ENGINE_MAX_BATCH}
 * @param engineMaxQueue        {@link JobOptions#ENGINE_MAX_QUEUE}
 * @param engineMaxSequence     {@link JobOptions#ENGINE_MAX_SEQUENCE}
 * @param maxFrames             {@link JobOptions#MAX_FRAMES}
 * @param maxSamples            {@link JobOptions#MAX_SAMPLES}
 * @param audioFramesPerChunk   {@link JobOptions#AUDIO_FRAMES_PER_CHUNK}
 * @param gapTimeout            {@link JobOptions#GAP_TIMEOUT}
 * @param doneRetention         {@link JobOptions#DONE_RETENTION}
 * @param conditionTimeout      {@link JobOptions#CONDITION_TIMEOUT}
 * @param conditionDedupRetention {@link JobOptions#CONDITION_DEDUP_RETENTION}
 * @param conditionMaxFrames    {@link JobOptions#CONDITION_MAX_FRAMES}
 * @param conditionMaxImageSide {@link JobOptions#CONDITION_MAX_IMAGE_SIDE}
 * @param dlqTopic              {@link JobOptions#DLQ_TOPIC}
 * @param modelDir              {@link JobOptions#MODEL_DIR}
 * @param parallelism           {@link JobOptions#PARALLELISM}
 * @param bufferTimeout         {@link JobOptions#BUFFER_TIMEOUT}
 * @param engineBatchWindow     {@link JobOptions#ENGINE_BATCH_WINDOW}
 * @param engineBatchQuiet      {@link JobOptions#ENGINE_BATCH_QUIET}
 * @param engineSwapPrefillTokens {@link JobOptions#ENGINE_SWAP_PREFILL_TOKENS}
 */
public record JobConfig(
        String bootstrapServers,
        String groupPrefix,
        Duration checkpointInterval,
        DeliveryGuarantee delivery,
        String transactionalIdPrefix,
        StartingOffsets startingOffsets,
        int engineMaxBatch,
        int engineMaxQueue,
        int engineMaxSequence,
        int maxFrames,
        int maxSamples,
        int audioFramesPerChunk,
        Duration gapTimeout,
        Duration doneRetention,
        Duration conditionTimeout,
        Duration conditionDedupRetention,
        int conditionMaxFrames,
        int conditionMaxImageSide,
        String dlqTopic,
        String modelDir,
        int parallelism,
        Duration bufferTimeout,
        Duration engineBatchWindow,
        Duration engineBatchQuiet,
        int engineSwapPrefillTokens) implements Serializable {

    /** Where a source starts when there is no checkpoint to restore offsets from. */
    public enum StartingOffsets { EARLIEST, LATEST, COMMITTED_OR_EARLIEST }

    public JobConfig {
        requireText(bootstrapServers, JobOptions.BOOTSTRAP);
        requireText(groupPrefix, JobOptions.GROUP_PREFIX);
        requireText(transactionalIdPrefix, JobOptions.TRANSACTIONAL_ID_PREFIX);
        requireText(dlqTopic, JobOptions.DLQ_TOPIC);
        Objects.requireNonNull(delivery, JobOptions.DELIVERY.key());
        Objects.requireNonNull(startingOffsets, JobOptions.STARTING_OFFSETS.key());
        try {
            new EngineConfig(engineMaxBatch, engineMaxQueue, engineMaxSequence, engineSwapPrefillTokens);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid engine.* option: " + e.getMessage(), e);
        }
        modelDir = modelDir == null ? "" : modelDir.trim();
        if (checkpointInterval == null || checkpointInterval.toMillis() < 100) {
            throw invalid(JobOptions.CHECKPOINT_INTERVAL, checkpointInterval, ">= 100 ms");
        }
        if (delivery == DeliveryGuarantee.NONE) {
            throw invalid(JobOptions.DELIVERY, delivery, "AT_LEAST_ONCE or EXACTLY_ONCE");
        }
        if (maxFrames < 1) {
            throw invalid(JobOptions.MAX_FRAMES, maxFrames, ">= 1");
        }
        if (maxSamples < 1) {
            throw invalid(JobOptions.MAX_SAMPLES, maxSamples, ">= 1");
        }
        if (audioFramesPerChunk < 1) {
            throw invalid(JobOptions.AUDIO_FRAMES_PER_CHUNK, audioFramesPerChunk, ">= 1");
        }
        if (gapTimeout == null || gapTimeout.toMillis() < 1) {
            throw invalid(JobOptions.GAP_TIMEOUT, gapTimeout, ">= 1 ms");
        }
        if (doneRetention == null || doneRetention.isNegative()) {
            throw invalid(JobOptions.DONE_RETENTION, doneRetention, ">= 0");
        }
        if (conditionTimeout == null || conditionTimeout.toMillis() < 1) {
            throw invalid(JobOptions.CONDITION_TIMEOUT, conditionTimeout, ">= 1 ms");
        }
        if (conditionDedupRetention == null || conditionDedupRetention.isNegative()) {
            throw invalid(JobOptions.CONDITION_DEDUP_RETENTION, conditionDedupRetention, ">= 0 ms");
        }
        if (conditionMaxFrames < 1) {
            throw invalid(JobOptions.CONDITION_MAX_FRAMES, conditionMaxFrames, ">= 1");
        }
        if (conditionMaxImageSide < 1) {
            throw invalid(JobOptions.CONDITION_MAX_IMAGE_SIDE, conditionMaxImageSide, ">= 1");
        }
        if (parallelism < 0) {
            throw invalid(JobOptions.PARALLELISM, parallelism, ">= 0");
        }
        if (bufferTimeout == null || bufferTimeout.isNegative()) {
            throw invalid(JobOptions.BUFFER_TIMEOUT, bufferTimeout, ">= 0 ms");
        }
        if (engineBatchWindow == null || engineBatchWindow.isNegative() || engineBatchWindow.toMillis() > 1000) {
            throw invalid(JobOptions.ENGINE_BATCH_WINDOW, engineBatchWindow, "0 .. 1 s");
        }
        if (engineBatchQuiet == null || engineBatchQuiet.isNegative() || engineBatchQuiet.toMillis() > 1000) {
            throw invalid(JobOptions.ENGINE_BATCH_QUIET, engineBatchQuiet, "0 .. 1 s");
        }
    }

    /** The generate operator's batch window, from {@link #engineBatchWindow} and {@link #engineBatchQuiet}. */
    public io.tessera.jobs.generation.BatchWindow batchWindow() {
        return io.tessera.jobs.generation.BatchWindow.of(engineBatchWindow, engineBatchQuiet);
    }

    /** Every option at its default, against the given Kafka. */
    public static JobConfig defaults(String bootstrapServers) {
        Configuration conf = new Configuration();
        conf.set(JobOptions.BOOTSTRAP, bootstrapServers);
        return from(conf);
    }

    /** Reads and validates every option of {@link JobOptions} from {@code conf}. */
    public static JobConfig from(Configuration conf) {
        return new JobConfig(
                conf.get(JobOptions.BOOTSTRAP),
                conf.get(JobOptions.GROUP_PREFIX),
                conf.get(JobOptions.CHECKPOINT_INTERVAL),
                conf.get(JobOptions.DELIVERY),
                conf.get(JobOptions.TRANSACTIONAL_ID_PREFIX),
                parseOffsets(conf.get(JobOptions.STARTING_OFFSETS)),
                conf.get(JobOptions.ENGINE_MAX_BATCH),
                conf.get(JobOptions.ENGINE_MAX_QUEUE),
                conf.get(JobOptions.ENGINE_MAX_SEQUENCE),
                conf.get(JobOptions.MAX_FRAMES),
                conf.get(JobOptions.MAX_SAMPLES),
                conf.get(JobOptions.AUDIO_FRAMES_PER_CHUNK),
                conf.get(JobOptions.GAP_TIMEOUT),
                conf.get(JobOptions.DONE_RETENTION),
                conf.get(JobOptions.CONDITION_TIMEOUT),
                conf.get(JobOptions.CONDITION_DEDUP_RETENTION),
                conf.get(JobOptions.CONDITION_MAX_FRAMES),
                conf.get(JobOptions.CONDITION_MAX_IMAGE_SIDE),
                conf.get(JobOptions.DLQ_TOPIC),
                conf.get(JobOptions.MODEL_DIR),
                conf.get(JobOptions.PARALLELISM),
                conf.get(JobOptions.BUFFER_TIMEOUT),
                conf.get(JobOptions.ENGINE_BATCH_WINDOW),
                conf.get(JobOptions.ENGINE_BATCH_QUIET),
                conf.get(JobOptions.ENGINE_SWAP_PREFILL_TOKENS));
    }

    /** {@code --key value} pairs, keys as in {@link JobOptions} (e.g. {@code --bootstrap 127.0.0.1:9092}). */
    public static JobConfig fromArgs(String[] args) {
        Configuration conf = new Configuration();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value pairs, got '" + arg + "'");
            }
            conf.setString(arg.substring(2), args[++i]);
        }
        return from(conf);
    }

    /** The engine bounds as the engine takes them. */
    public EngineConfig engine() {
        return new EngineConfig(engineMaxBatch, engineMaxQueue, engineMaxSequence, engineSwapPrefillTokens);
    }

    /** A copy with other engine bounds, e.g. tiny batches in tests. */
    public JobConfig withEngine(EngineConfig next) {
        return new JobConfig(bootstrapServers, groupPrefix, checkpointInterval, delivery, transactionalIdPrefix,
                startingOffsets, next.maxBatch(), next.maxQueue(), next.maxSequenceLength(), maxFrames, maxSamples,
                audioFramesPerChunk, gapTimeout, doneRetention, conditionTimeout, conditionDedupRetention,
                conditionMaxFrames, conditionMaxImageSide, dlqTopic, modelDir, parallelism, bufferTimeout, engineBatchWindow, engineBatchQuiet,
                next.swapPrefillTokens());
    }

    /** A copy with another delivery guarantee. */
    public JobConfig withDelivery(DeliveryGuarantee next) {
        return new JobConfig(bootstrapServers, groupPrefix, checkpointInterval, next, transactionalIdPrefix,
                startingOffsets, engineMaxBatch, engineMaxQueue, engineMaxSequence, maxFrames, maxSamples,
                audioFramesPerChunk, gapTimeout, doneRetention, conditionTimeout, conditionDedupRetention,
                conditionMaxFrames, conditionMaxImageSide, dlqTopic, modelDir, parallelism, bufferTimeout, engineBatchWindow, engineBatchQuiet,
                engineSwapPrefillTokens);
    }

    /** A copy with another conditioning timeout, e.g. a short one in tests. */
    public JobConfig withConditionTimeout(Duration next) {
        return new JobConfig(bootstrapServers, groupPrefix, checkpointInterval, delivery, transactionalIdPrefix,
                startingOffsets, engineMaxBatch, engineMaxQueue, engineMaxSequence, maxFrames, maxSamples,
                audioFramesPerChunk, gapTimeout, doneRetention, next, conditionDedupRetention, conditionMaxFrames,
                conditionMaxImageSide,
                dlqTopic, modelDir, parallelism, bufferTimeout, engineBatchWindow, engineBatchQuiet,
                engineSwapPrefillTokens);
    }

    private static StartingOffsets parseOffsets(String value) {
        try {
            return StartingOffsets.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw invalid(JobOptions.STARTING_OFFSETS, value, "earliest, latest or committed-or-earliest");
        }
    }

    private static void requireText(String value, ConfigOption<?> option) {
        if (value == null || value.isBlank()) {
            throw invalid(option, value, "a non-empty string");
        }
    }

    private static IllegalArgumentException invalid(ConfigOption<?> option, Object value, String allowed) {
        return new IllegalArgumentException(
                "invalid option '" + option.key() + "': " + value + " (allowed: " + allowed + ")");
    }
}
