package io.tessera.jobs;

import io.tessera.jobs.condition.ConditionAssembler;
import io.tessera.jobs.condition.ConditionedRequest;
import io.tessera.jobs.generation.GenerateOperator;
import io.tessera.jobs.generation.GenerateOperatorFactory;
import io.tessera.jobs.generation.PromptValidator;
import io.tessera.jobs.io.AvroRecordTypeInfo;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.jobs.io.DecodeRecords;
import io.tessera.jobs.io.KafkaIo;
import io.tessera.jobs.io.RawRecord;
import io.tessera.records.Cancel;
import io.tessera.records.DeadLetter;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.PolicyUpdate;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.Topics;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * Prompts in, tokens out: {@code tessera.prompts} -> decode and validate -> (requests with conditioning media:
 * keyBy(requestId) joined with {@code tessera.media.in} by the conditioning assembler) -> keyBy(requestId) ->
 * generate (tokenize the media, continuous batching, chunks per frame) -> {@code tessera.tokens} and {@code
 * tessera.generations}; everything rejected -> the DLQ topic.
 *
 * <p>{@link #pipeline} is the job as a function from input streams to output streams; {@link
 * #addToEnvironment} wires Kafka around it; {@link #main} runs it on a cluster.
 */
public final class GenerationJob {

    public static final String NAME = "generation";
    static final String DECODE_STAGE = "GenerationJob/decode-prompts";
    static final String MEDIA_STAGE = "GenerationJob/decode-media";
    static final String CONTROL_STAGE = "GenerationJob/decode-control";
    static final String POLICY_STAGE = "GenerationJob/decode-policy";

    private GenerationJob() {}

    /** What the pipeline produces. */
    public record Outputs(DataStream<TokenChunk> tokens, DataStream<GenerationCompleted> generations,
            DataStream<DeadLetter> deadLetters) {}

    /**
     * The job without its I/O: raw prompt records (as read from {@code tessera.prompts}) to token chunks,
     * completion records and dead letters.
     */
    public static Outputs pipeline(DataStream<RawRecord> prompts, JobConfig cfg, GeneratorLoader generator) {
        return pipeline(prompts, none(prompts), none(prompts), cfg, generator);
    }

    /**
     * The job without its I/O: raw prompt, control ({@code Cancel}) and policy ({@code PolicyUpdate}) records
     * to token chunks, completion records and dead letters. Prompts and cancels are keyed by request id into
     * the same generate subtask; policy updates are broadcast to every subtask.
     */
    public static Outputs pipeline(DataStream<RawRecord> prompts, DataStream<RawRecord> control,
            DataStream<RawRecord> policy, JobConfig cfg, GeneratorLoader generator) {
        return pipeline(prompts, none(prompts), control, policy, cfg, generator);
    }

    /**
     * The whole job without its I/O: raw prompt, conditioning media ({@code MediaChunk}), control ({@code
     * Cancel}) and policy ({@code PolicyUpdate}) records to token chunks, completion records and dead letters.
     * A request that promises media waits in the conditioning assembler (keyed by request id) until its media
     * is in; a text-only request goes straight to the generate operator.
     */
    public static Outputs pipeline(DataStream<RawRecord> prompts, DataStream<RawRecord> media,
            DataStream<RawRecord> control, DataStream<RawRecord> policy, JobConfig cfg, GeneratorLoader generator) {
        SingleOutputStreamOperator<GenerationRequest> requests = prompts
                .process(new DecodeRecords<>(GenerationRequest.class, DECODE_STAGE,
                        new PromptValidator(cfg.maxFrames(), cfg.maxSamples(), cfg.conditionMaxFrames())),
                        AvroRecordTypeInfo.forClass(GenerationRequest.class))
                .name("decode-prompts")
                .uid(NAME + "-decode-prompts");
        SingleOutputStreamOperator<MediaChunk> chunks = media
                .process(new DecodeRecords<>(MediaChunk.class, MEDIA_STAGE,
                        c -> c.getRequestId().isEmpty() ? "requestId is empty" : null),
                        AvroRecordTypeInfo.forClass(MediaChunk.class))
                .name("decode-media")
                .uid(NAME + "-decode-media");
        SingleOutputStreamOperator<ConditionedRequest> assembled = requests
                .filter(ConditionAssembler::promisesMedia).name("requests-with-media")
                .uid(NAME + "-requests-with-media")
                .keyBy(GenerationJob::requestKey, Types.STRING)
                .connect(chunks.keyBy(MediaChunk::getRequestId, Types.STRING))
                .process(new ConditionAssembler(cfg.conditionTimeout().toMillis(), cfg.conditionMaxFrames(),
                        cfg.conditionMaxImageSide(), cfg.conditionDedupRetention().toMillis()),
                        TypeInformation.of(ConditionedRequest.class))
                .name("assemble-conditioning")
                .uid(NAME + "-assemble-conditioning");
        SingleOutputStreamOperator<Cancel> cancels = control
                .process(new DecodeRecords<>(Cancel.class, CONTROL_STAGE,
                        c -> c.getRequestId().isEmpty() ? "requestId is empty" : null),
                        AvroRecordTypeInfo.forClass(Cancel.class))
                .name("decode-control")
                .uid(NAME + "-decode-control");
        SingleOutputStreamOperator<PolicyUpdate> updates = policy
                .process(new DecodeRecords<>(PolicyUpdate.class, POLICY_STAGE, u -> u.getWeights() == null
                        && u.getUri() == null ? "neither weights nor uri" : null),
                        AvroRecordTypeInfo.forClass(PolicyUpdate.class))
                .name("decode-policy")
                .uid(NAME + "-decode-policy");
        TypeInformation<Either<ConditionedRequest, Cancel>> inputType = new EitherTypeInfo<>(
                TypeInformation.of(ConditionedRequest.class), AvroRecordTypeInfo.forClass(Cancel.class));
        DataStream<Either<ConditionedRequest, Cancel>> input = requests
                .filter(r -> !ConditionAssembler.promisesMedia(r)).name("text-only-requests")
                .uid(NAME + "-text-only-requests")
                .map(r -> Either.<ConditionedRequest, Cancel>Left(ConditionedRequest.textOnly(r)), inputType)
                .name("prompts-as-input").uid(NAME + "-prompts-as-input")
                .union(assembled.map(c -> Either.<ConditionedRequest, Cancel>Left(c), inputType)
                                .name("conditioned-as-input").uid(NAME + "-conditioned-as-input"),
                        cancels.map(c -> Either.<ConditionedRequest, Cancel>Right(c), inputType)
                                .name("cancels-as-input").uid(NAME + "-cancels-as-input"));
        SingleOutputStreamOperator<TokenChunk> tokens = input
                .keyBy(GenerationJob::inputKey, Types.STRING)
                .connect(updates.broadcast())
                .transform("generate", AvroRecordTypeInfo.forClass(TokenChunk.class),
                        new GenerateOperatorFactory(generator, cfg.engine(), cfg.batchWindow()))
                .uid(NAME + "-generate");
        if (cfg.parallelism() > 0) {
            requests.setParallelism(cfg.parallelism());
            chunks.setParallelism(cfg.parallelism());
            assembled.setParallelism(cfg.parallelism());
            tokens.setParallelism(cfg.parallelism());
        }
        DataStream<DeadLetter> dead = requests.getSideOutput(DeadLetters.TAG)
                .union(chunks.getSideOutput(DeadLetters.TAG), assembled.getSideOutput(DeadLetters.TAG),
                        cancels.getSideOutput(DeadLetters.TAG), updates.getSideOutput(DeadLetters.TAG),
                        tokens.getSideOutput(DeadLetters.TAG));
        return new Outputs(tokens, tokens.getSideOutput(GenerateOperator.COMPLETED), dead);
    }

    /**
     * Kafka sources on {@code tessera.prompts}, {@code tessera.media.in}, {@code tessera.control} and {@code
     * tessera.policy}, the pipeline, Kafka sinks on its three outputs.
     */
    public static void addToEnvironment(StreamExecutionEnvironment env, JobConfig cfg) {
        Jobs.configureCheckpointing(env, cfg);
        DataStream<RawRecord> prompts = KafkaIo.read(env, cfg, Topics.PROMPTS.name(), NAME);
        DataStream<RawRecord> media = KafkaIo.read(env, cfg, Topics.MEDIA_IN.name(), NAME);
        DataStream<RawRecord> control = KafkaIo.read(env, cfg, Topics.CONTROL.name(), NAME);
        DataStream<RawRecord> policy = KafkaIo.read(env, cfg, Topics.POLICY.name(), NAME);
        Outputs out = pipeline(prompts, media, control, policy, cfg, GeneratorLoader.of(cfg));
        out.tokens().sinkTo(KafkaIo.sink(cfg, Topics.TOKENS.name(), TokenChunk.class, TokenChunk::getRequestId, NAME))
                .name("kafka:" + Topics.TOKENS.name()).uid(NAME + "-sink-tokens");
        out.generations().sinkTo(KafkaIo.sink(cfg, Topics.GENERATIONS.name(), GenerationCompleted.class,
                        GenerationCompleted::getRequestId, NAME))
                .name("kafka:" + Topics.GENERATIONS.name()).uid(NAME + "-sink-generations");
        out.deadLetters().sinkTo(KafkaIo.sink(cfg, cfg.dlqTopic(), DeadLetter.class, DeadLetter::getRequestId, NAME))
                .name("kafka:" + cfg.dlqTopic()).uid(NAME + "-sink-dlq");
    }

    /** {@code --bootstrap HOST:PORT [--key value ...]} (keys of {@link JobOptions}); submits to the cluster. */
    public static void main(String[] args) throws Exception {
        JobConfig cfg = JobConfig.fromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        addToEnvironment(env, cfg);
        env.execute("tessera-" + NAME);
    }

    static String requestKey(GenerationRequest request) {
        return request.getRequestId();
    }

    static String inputKey(Either<ConditionedRequest, Cancel> in) {
        return in.isLeft() ? in.left().requestId : in.right().getRequestId();
    }

    /** An empty stream of raw records that ends when {@code like} ends (for a pipeline without that input). */
    private static DataStream<RawRecord> none(DataStream<RawRecord> like) {
        return like.flatMap((RawRecord r, Collector<RawRecord> out) -> { }, like.getType()).name("no-input");
    }
}
