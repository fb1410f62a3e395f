package io.tessera.jobs;

import io.tessera.generator.engine.EngineConfig;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Every option of the Tessera jobs, declared once with its type, default and meaning. {@link JobConfig}
 * reads them from a Flink {@code Configuration} (or {@code --key value} arguments) and validates them.
 */
public final class JobOptions {

    private JobOptions() {}

    public static final ConfigOption<String> BOOTSTRAP = ConfigOptions.key("bootstrap")
            .stringType()
            .noDefaultValue()
            .withDescription("Kafka bootstrap servers, HOST:PORT[,HOST:PORT...]. Required.");

    public static final ConfigOption<String> GROUP_PREFIX = ConfigOptions.key("group-prefix")
            .stringType()
            .defaultValue("tessera")
            .withDescription("Prefix of the Kafka consumer group ids; each job appends its own name.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("checkpoint-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(2))
            .withDescription("Checkpoint interval (>= 100 ms). Offsets and in-flight samples are"
                    + " checkpointed together; with exactly-once sinks it also bounds output latency.");

    public static final ConfigOption<DeliveryGuarantee> DELIVERY = ConfigOptions.key("delivery")
            .enumType(DeliveryGuarantee.class)
            .defaultValue(DeliveryGuarantee.AT_LEAST_ONCE)
            .withDescription("Delivery guarantee of the Kafka sinks. AT_LEAST_ONCE (default) makes chunks"
                    + " visible as soon as they are sampled; consumers drop repeats by (requestId,"
                    + " sampleIndex, seq). EXACTLY_ONCE shows them to read_committed consumers only at"
                    + " checkpoint boundaries.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key("transactional-id-prefix")
            .stringType()
            .defaultValue("tessera")
            .withDescription("Prefix of Kafka transactional ids when delivery is EXACTLY_ONCE.");

    public static final ConfigOption<String> STARTING_OFFSETS = ConfigOptions.key("starting-offsets")
            .stringType()
            .defaultValue("committed-or-earliest")
            .withDescription("Where sources start without a checkpoint: earliest, latest or committed-or-earliest.");

    public static final ConfigOption<Integer> ENGINE_MAX_BATCH = ConfigOptions.key("engine.max-batch")
            .intType()
            .defaultValue(32)
            .withDescription("Samples decoded together in one engine step per subtask (>= 1).");

    public static final ConfigOption<Integer> ENGINE_MAX_QUEUE = ConfigOptions.key("engine.max-queue")
            .intType()
            .defaultValue(64)
            .withDescription("Samples admitted but waiting for a batch slot per subtask (>= 0). Past"
                    + " batch + queue the operator stops taking input: backpressure, not memory.");

    public static final ConfigOption<Integer> ENGINE_MAX_SEQUENCE = ConfigOptions.key("engine.max-sequence")
            .intType()
            .defaultValue(2048)
            .withDescription("Prefix plus generated tokens per sample (>= 2).");

    public static final ConfigOption<Integer> ENGINE_SWAP_PREFILL_TOKENS = ConfigOptions.key("engine.swap-prefill-tokens")
            .intType()
            .defaultValue(EngineConfig.DEFAULT_SWAP_PREFILL_TOKENS)
            .withDescription("During a policy swap, the most cached tokens one decode step re-prefills under the new"
                    + " weights to move in-flight samples over (at least one sample moves per step): what a swap"
                    + " adds to a step. 0: nothing moves; in-flight samples finish on the policy they run (no"
                    + " re-prefill, for updates every few seconds as in online RL) and a newer update waits for them (>= 0).");

    public static final ConfigOption<Duration> ENGINE_BATCH_WINDOW = ConfigOptions.key("engine.batch-window")
            .durationType()
            .defaultValue(Duration.ofMillis(30))
            .withDescription("When a request reaches an idle engine, the longest the generate operator keeps reading"
                    + " input before the first step, so a burst is prefilled in one batch instead of the first"
                    + " request's step holding up the rest (0 = step at once). The window closes earlier once no"
                    + " request has arrived for engine.batch-quiet, or when the engine is full. Only an idle"
                    + " engine waits; a busy one admits new requests at its next step.");

    public static final ConfigOption<Duration> ENGINE_BATCH_QUIET = ConfigOptions.key("engine.batch-quiet")
            .durationType()
            .defaultValue(Duration.ofMillis(4))
            .withDescription("The batch window (engine.batch-window) closes once no request has arrived for this"
                    + " long: what a lone request waits before its first step (0 .. 1 s).");

    public static final ConfigOption<Integer> MAX_FRAMES = ConfigOptions.key("max-frames")
            .intType()
            .defaultValue(64)
            .withDescription("Largest 'frames' a request may ask for (>= 1); larger requests go to the DLQ.");

    public static final ConfigOption<Integer> MAX_SAMPLES = ConfigOptions.key("max-samples")
            .intType()
            .defaultValue(16)
            .withDescription("Largest 'samples' a request may ask for (>= 1); larger requests go to the DLQ.");

    public static final ConfigOption<Integer> AUDIO_FRAMES_PER_CHUNK = ConfigOptions.key("decode.audio-frames-per-chunk")
            .intType()
            .defaultValue(4)
            .withDescription("DecodeJob: frames of audio gathered into one AUDIO media chunk (>= 1).");

    public static final ConfigOption<Duration> GAP_TIMEOUT = ConfigOptions.key("decode.gap-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("DecodeJob: a sample with no progress for this long (a gap that never"
                    + " fills, a final chunk that never comes) is dead-lettered and its state cleared.");

    public static final ConfigOption<Duration> DONE_RETENTION = ConfigOptions.key("decode.done-retention")
            .durationType()
            .defaultValue(Duration.ofMinutes(1))
            .withDescription("DecodeJob: how long a finished sample keeps a one-field marker so late"
                    + " repeats of its chunks are dropped; 0 clears all state at the final chunk.");

    public static final ConfigOption<Duration> CONDITION_DEDUP_RETENTION =
            ConfigOptions.key("condition.dedup-retention")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("GenerationJob: how long the conditioning assembler remembers a request it assembled"
                    + " (a small marker; its media are freed at once), so that a repeat of the request or of its"
                    + " media within that time is dropped as a duplicate, and another request under the same id"
                    + " is dead-lettered at once, instead of waiting condition.timeout for media that already came"
                    + " (0 = forget at once).");

    public static final ConfigOption<Duration> CONDITION_TIMEOUT = ConfigOptions.key("condition.timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("GenerationJob: how long the conditioning assembler waits, from the first record of a"
                    + " request (its prompt or a media chunk), for the prompt and every media chunk it promised"
                    + " (>= 1 ms). A request still incomplete then is dead-lettered; media whose prompt never came"
                    + " is dropped (and dead-lettered); either way the request's state and timer are cleared.");

    public static final ConfigOption<Integer> CONDITION_MAX_FRAMES = ConfigOptions.key("condition.max-frames")
            .intType()
            .defaultValue(64)
            .withDescription("GenerationJob: most conditioning frames (and audio chunks) one request may promise"
                    + " (>= 1); bounds the assembler's state per request. Larger promises and chunk indexes beyond"
                    + " it go to the DLQ.");

    public static final ConfigOption<Integer> CONDITION_MAX_IMAGE_SIDE = ConfigOptions.key("condition.max-image-side")
            .intType()
            .defaultValue(4096)
            .withDescription("GenerationJob: largest width or height of a conditioning image, read from its header"
                    + " before any pixel is decoded (>= 1); larger images go to the DLQ.");

    public static final ConfigOption<String> DLQ_TOPIC = ConfigOptions.key("dlq-topic")
            .stringType()
            .defaultValue("tessera.dlq")
            .withDescription("Topic the jobs send dead letters to.");

    public static final ConfigOption<String> MODEL_DIR = ConfigOptions.key("model-dir")
            .stringType()
            .defaultValue("")
            .withDescription("Model directory for Generator.load; empty uses Generator.loadDefault().");

    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("parallelism")
            .intType()
            .defaultValue(0)
            .withDescription("Parallelism of the jobs' operators; 0 keeps the environment's default.");

    public static final ConfigOption<Duration> BUFFER_TIMEOUT = ConfigOptions.key("buffer-timeout")
            .durationType()
            .defaultValue(Duration.ZERO)
            .withDescription("How long a record may wait in a network buffer between operators before it is"
                    + " sent. 0 (default) sends every record at once: Tessera's records are few and large"
                    + " (prompts, one chunk per frame), and Flink's 100 ms default would add up to 100 ms per"
                    + " shuffle to the time to first token. A larger value trades latency for throughput.");
}
