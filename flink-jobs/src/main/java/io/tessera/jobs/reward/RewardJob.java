package io.tessera.jobs.reward;

import io.tessera.jobs.GeneratorLoader;
import io.tessera.jobs.JobConfig;
import io.tessera.jobs.io.AvroRecordTypeInfo;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.jobs.io.DecodeRecords;
import io.tessera.jobs.io.KafkaIo;
import io.tessera.jobs.io.RawRecord;
import io.tessera.records.DeadLetter;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.Reward;
import io.tessera.reward.RewardConfig;
import io.tessera.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Generations in, rewards out: {@code tessera.generations} -> decode the record -> decode the sample's
 * tokens to frames and audio -> scorers -> {@code tessera.rewards}; undecodable records, failed
 * generations and clips that cannot be scored -> the DLQ topic with the reason. Stateless, so no keying:
 * a sample is scored where it is read, in order.
 */
public final class RewardJob {

    public static final String NAME = "reward";
    static final String DECODE_STAGE = "RewardJob/decode-generations";
    static final String SCORE_STAGE = "RewardJob/score";

    private RewardJob() {}

    /** What the pipeline produces. */
    public record Outputs(DataStream<Reward> rewards, DataStream<DeadLetter> deadLetters) {}

    /** The job without its I/O: raw generation records to rewards and dead letters. */
    public static Outputs pipeline(DataStream<RawRecord> generations, JobConfig cfg, GeneratorLoader generator,
            RewardConfig reward) {
        SingleOutputStreamOperator<GenerationCompleted> decoded = generations
                .process(new DecodeRecords<>(GenerationCompleted.class, DECODE_STAGE, new GenerationValidator()),
                        AvroRecordTypeInfo.forClass(GenerationCompleted.class))
                .name("decode-generations")
                .uid(NAME + "-decode-generations");
        SingleOutputStreamOperator<Reward> rewards = decoded
                .process(new ScoreGenerations(generator, reward), AvroRecordTypeInfo.forClass(Reward.class))
                .name("score")
                .uid(NAME + "-score");
        if (cfg.parallelism() > 0) {
            decoded.setParallelism(cfg.parallelism());
            rewards.setParallelism(cfg.parallelism());
        }
        DataStream<DeadLetter> dead = decoded.getSideOutput(DeadLetters.TAG).union(rewards.getSideOutput(DeadLetters.TAG));
        return new Outputs(rewards, dead);
    }

    /** Kafka source on {@code tessera.generations}, the pipeline, Kafka sinks on rewards and dead letters. */
    public static void addToEnvironment(StreamExecutionEnvironment env, JobConfig cfg, RewardConfig reward) {
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            env.enableCheckpointing(cfg.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        }
        DataStream<RawRecord> generations = KafkaIo.read(env, cfg, Topics.GENERATIONS.name(), NAME);
        Outputs out = pipeline(generations, cfg, GeneratorLoader.of(cfg), reward);
        out.rewards().sinkTo(KafkaIo.sink(cfg, Topics.REWARDS.name(), Reward.class, Reward::getRequestId, NAME))
                .name("kafka:" + Topics.REWARDS.name()).uid(NAME + "-sink-rewards");
        out.deadLetters().sinkTo(KafkaIo.sink(cfg, cfg.dlqTopic(), DeadLetter.class, DeadLetter::getRequestId, NAME))
                .name("kafka:" + cfg.dlqTopic()).uid(NAME + "-sink-dlq");
    }

    /** The job with the default reward weights. */
    public static void addToEnvironment(StreamExecutionEnvironment env, JobConfig cfg) {
        addToEnvironment(env, cfg, RewardConfig.DEFAULT);
    }

    /**
     * {@code --bootstrap HOST:PORT [--key value ...]}: keys of {@code JobOptions}, plus the reward's
     * {@code --weight.*} keys ({@link RewardConfig}); submits to the cluster.
     */
    public static void main(String[] args) throws Exception {
        RewardConfig reward = RewardConfig.fromArgs(args);
        JobConfig cfg = JobConfig.fromArgs(withoutRewardKeys(args));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        addToEnvironment(env, cfg, reward);
        env.execute("tessera-" + NAME);
    }

    /** The arguments with every {@code --weight.* value} pair removed: those belong to {@link RewardConfig}, not JobConfig. */
    static String[] withoutRewardKeys(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--weight.") && i + 1 < args.length) {
                i++;
                continue;
            }
            out.add(args[i]);
        }
        return out.toArray(new String[0]);
    }
}
