package io.tessera.jobs;

import io.tessera.jobs.decode.ChunkValidator;
import io.tessera.jobs.decode.DecodeTokensFunction;
import io.tessera.jobs.io.AvroRecordTypeInfo;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.jobs.io.DecodeRecords;
import io.tessera.jobs.io.KafkaIo;
import io.tessera.jobs.io.RawRecord;
import io.tessera.records.DeadLetter;
import io.tessera.records.MediaChunk;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.Topics;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Tokens in, media out: {@code tessera.tokens} -> decode -> keyBy(requestId#sample) -> order, drop repeats,
 * decode frames and audio as they complete -> {@code tessera.media.out}; rejects -> the DLQ topic.
 */
public final class DecodeJob {

    public static final String NAME = "decode";
    static final String DECODE_STAGE = "DecodeJob/decode-chunks";

    private DecodeJob() {}

    /** What the pipeline produces. */
    public record Outputs(DataStream<MediaChunk> media, DataStream<DeadLetter> deadLetters) {}

    /** The job without its I/O: raw token-chunk records to media chunks and dead letters. */
    public static Outputs pipeline(DataStream<RawRecord> tokens, JobConfig cfg, GeneratorLoader generator) {
        SingleOutputStreamOperator<TokenChunk> chunks = tokens
                .process(new DecodeRecords<>(TokenChunk.class, DECODE_STAGE, new ChunkValidator()),
                        AvroRecordTypeInfo.forClass(TokenChunk.class))
                .name("decode-chunks")
                .uid(NAME + "-decode-chunks");
        SingleOutputStreamOperator<MediaChunk> media = chunks
                .keyBy(DecodeTokensFunction::sampleKey, Types.STRING)
                .process(new DecodeTokensFunction(generator, cfg.audioFramesPerChunk(), cfg.gapTimeout().toMillis(),
                        cfg.doneRetention().toMillis()), AvroRecordTypeInfo.forClass(MediaChunk.class))
                .name("decode-media")
                .uid(NAME + "-decode-media");
        if (cfg.parallelism() > 0) {
            chunks.setParallelism(cfg.parallelism());
            media.setParallelism(cfg.parallelism());
        }
        DataStream<DeadLetter> dead = chunks.getSideOutput(DeadLetters.TAG).union(media.getSideOutput(DeadLetters.TAG));
        return new Outputs(media, dead);
    }

    /** Kafka source on {@code tessera.tokens}, the pipeline, Kafka sinks on media and dead letters. */
    public static void addToEnvironment(StreamExecutionEnvironment env, JobConfig cfg) {
        Jobs.configureCheckpointing(env, cfg);
        DataStream<RawRecord> tokens = KafkaIo.read(env, cfg, Topics.TOKENS.name(), NAME);
        Outputs out = pipeline(tokens, cfg, GeneratorLoader.of(cfg));
        out.media().sinkTo(KafkaIo.sink(cfg, Topics.MEDIA_OUT.name(), MediaChunk.class, MediaChunk::getRequestId, NAME))
                .name("kafka:" + Topics.MEDIA_OUT.name()).uid(NAME + "-sink-media");
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
}
