package io.tessera.jobs;

import io.tessera.jobs.generation.GenerateOperator;
import io.tessera.jobs.generation.GenerateOperatorFactory;
import io.tessera.jobs.generation.PromptValidator;
import io.tessera.jobs.io.AvroRecordTypeInfo;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.jobs.io.DecodeRecords;
import io.tessera.jobs.io.KafkaIo;
import io.tessera.jobs.io.RawRecord;
import io.tessera.records.DeadLetter;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.Topics;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Prompts in, tokens out: {@code tessera.prompts} -> decode and validate -> keyBy(requestId) -> generate
 * (continuous batching, chunks per frame) -> {@code tessera.tokens} and {@code tessera.generations};
 * everything rejected -> the DLQ topic.
 *
 * <p>{@link #pipeline} is the job as a function from input streams to output streams; {@link
 * #addToEnvironment} wires Kafka around it; {@link #main} runs it on a cluster.
 */
public final class GenerationJob {

    public static final String NAME = "generation";
    static final String DECODE_STAGE = "GenerationJob/decode-prompts";

    private GenerationJob() {}

    /** What the pipeline produces. */
    public record Outputs(DataStream<TokenChunk> tokens, DataStream<GenerationCompleted> generations,
            DataStream<DeadLetter> deadLetters) {}

    /**
     * The job without its I/O: raw prompt records (as read from {@code tessera.prompts}) to token chunks,
     * completion records and dead letters.
     */
    public static Outputs pipeline(DataStream<RawRecord> prompts, JobConfig cfg, GeneratorLoader generator) {
        SingleOutputStreamOperator<GenerationRequest> requests = prompts
                .process(new DecodeRecords<>(GenerationRequest.class, DECODE_STAGE,
                        new PromptValidator(cfg.maxFrames(), cfg.maxSamples())),
                        AvroRecordTypeInfo.forClass(GenerationRequest.class))
                .name("decode-prompts")
                .uid(NAME + "-decode-prompts");
        SingleOutputStreamOperator<TokenChunk> tokens = requests
                .keyBy(GenerationJob::requestKey, Types.STRING)
                .transform("generate", AvroRecordTypeInfo.forClass(TokenChunk.class),
                        new GenerateOperatorFactory(generator, cfg.engine()))
                .uid(NAME + "-generate");
        if (cfg.parallelism() > 0) {
            requests.setParallelism(cfg.parallelism());
            tokens.setParallelism(cfg.parallelism());
        }
        DataStream<DeadLetter> dead = requests.getSideOutput(DeadLetters.TAG)
                .union(tokens.getSideOutput(DeadLetters.TAG));
        return new Outputs(tokens, tokens.getSideOutput(GenerateOperator.COMPLETED), dead);
    }

    /** Kafka source on {@code tessera.prompts}, the pipeline, Kafka sinks on its three outputs. */
    public static void addToEnvironment(StreamExecutionEnvironment env, JobConfig cfg) {
        Jobs.configureCheckpointing(env, cfg);
        DataStream<RawRecord> prompts = KafkaIo.read(env, cfg, Topics.PROMPTS.name(), NAME);
        Outputs out = pipeline(prompts, cfg, GeneratorLoader.of(cfg));
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
}
