package io.tessera.jobs.policy;

import io.tessera.jobs.GeneratorLoader;
import io.tessera.jobs.JobConfig;
import io.tessera.jobs.io.AvroRecordTypeInfo;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.jobs.io.DecodeRecords;
import io.tessera.jobs.io.KafkaIo;
import io.tessera.jobs.io.RawRecord;
import io.tessera.records.DeadLetter;
import io.tessera.records.Feedback;
import io.tessera.records.FeedbackKind;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.PolicyUpdate;
import io.tessera.records.Reward;
import io.tessera.schemas.Topics;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * Online RL: {@code tessera.generations} + {@code tessera.rewards} + {@code tessera.feedback} -> decode and
 * validate -> keyBy(requestId) join ({@link GroupJoinFunction}) -> trainer, parallelism 1
 * ({@link PolicyTrainerFunction}) -> {@code tessera.policy}; rejected records -> the DLQ topic.
 *
 * <p>{@link #pipeline} is the job as a function of its input streams; {@link #addToEnvironment} wires Kafka
 * around it; {@link #main} runs it on a cluster.
 */
public final class PolicyJob {

    public static final String NAME = "policy";
    static final String GENERATIONS_STAGE = "PolicyJob/decode-generations";
    static final String REWARDS_STAGE = "PolicyJob/decode-rewards";
    static final String FEEDBACK_STAGE = "PolicyJob/decode-feedback";

    private PolicyJob() {}

    /** What the pipeline produces. */
    public record Outputs(DataStream<PolicyUpdate> updates, DataStream<DeadLetter> deadLetters) {}

    /** Raw generation, reward and feedback records to policy updates and dead letters. */
    public static Outputs pipeline(DataStream<RawRecord> generations, DataStream<RawRecord> rewards,
            DataStream<RawRecord> feedback, JobConfig cfg, PolicyConfig policy, GeneratorLoader generator) {
        SingleOutputStreamOperator<GenerationCompleted> gens = generations
                .process(new DecodeRecords<>(GenerationCompleted.class, GENERATIONS_STAGE, PolicyJob::generationProblem),
                        AvroRecordTypeInfo.forClass(GenerationCompleted.class))
                .name("decode-generations").uid(NAME + "-decode-generations");
        SingleOutputStreamOperator<Reward> scores = rewards
                .process(new DecodeRecords<>(Reward.class, REWARDS_STAGE, PolicyJob::rewardProblem),
                        AvroRecordTypeInfo.forClass(Reward.class))
                .name("decode-rewards").uid(NAME + "-decode-rewards");
        SingleOutputStreamOperator<Feedback> judgements = feedback
                .process(new DecodeRecords<>(Feedback.class, FEEDBACK_STAGE, PolicyJob::feedbackProblem),
                        AvroRecordTypeInfo.forClass(Feedback.class))
                .name("decode-feedback").uid(NAME + "-decode-feedback");

        TypeInformation<Either<Reward, Feedback>> rf = new EitherTypeInfo<>(
                AvroRecordTypeInfo.forClass(Reward.class), AvroRecordTypeInfo.forClass(Feedback.class));
        TypeInformation<Either<GenerationCompleted, Either<Reward, Feedback>>> inputType = new EitherTypeInfo<>(
                AvroRecordTypeInfo.forClass(GenerationCompleted.class), rf);
        DataStream<Either<GenerationCompleted, Either<Reward, Feedback>>> input = gens
                .map(g -> Either.<GenerationCompleted, Either<Reward, Feedback>>Left(g), inputType)
                .name("generations-as-input").uid(NAME + "-generations-as-input")
                .union(scores.map(r -> Either.<GenerationCompleted, Either<Reward, Feedback>>Right(
                                Either.<Reward, Feedback>Left(r)), inputType)
                                .name("rewards-as-input").uid(NAME + "-rewards-as-input"),
                        judgements.map(f -> Either.<GenerationCompleted, Either<Reward, Feedback>>Right(
                                Either.<Reward, Feedback>Right(f)), inputType)
                                .name("feedback-as-input").uid(NAME + "-feedback-as-input"));
        SingleOutputStreamOperator<TrainingItem> items = input
                .keyBy(PolicyJob::requestId, Types.STRING)
                .process(new GroupJoinFunction(policy), TypeInformation.of(TrainingItem.class))
                .name("join-groups").uid(NAME + "-join-groups");
        if (cfg.parallelism() > 0) {
            items.setParallelism(cfg.parallelism());
        }
        SingleOutputStreamOperator<PolicyUpdate> updates = items
                .process(new PolicyTrainerFunction(policy, generator), AvroRecordTypeInfo.forClass(PolicyUpdate.class))
                .name("rl-trainer").uid(NAME + "-rl-trainer")
                .setParallelism(1).setMaxParallelism(1);
        DataStream<DeadLetter> dead = gens.getSideOutput(DeadLetters.TAG)
                .union(scores.getSideOutput(DeadLetters.TAG), judgements.getSideOutput(DeadLetters.TAG));
        return new Outputs(updates, dead);
    }

    /** Kafka sources on the three input topics, the pipeline with default {@link PolicyConfig}, Kafka sinks. */
    public static void addToEnvironment(StreamExecutionEnvironment env, JobConfig cfg) {
        addToEnvironment(env, cfg, PolicyConfig.defaults(), GeneratorLoader.of(cfg));
    }

    public static void addToEnvironment(StreamExecutionEnvironment env, JobConfig cfg, PolicyConfig policy,
            GeneratorLoader generator) {
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            env.enableCheckpointing(policy.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        }
        DataStream<RawRecord> generations = KafkaIo.read(env, cfg, Topics.GENERATIONS.name(), NAME);
        DataStream<RawRecord> rewards = KafkaIo.read(env, cfg, Topics.REWARDS.name(), NAME);
        DataStream<RawRecord> feedback = KafkaIo.read(env, cfg, Topics.FEEDBACK.name(), NAME);
        Outputs out = pipeline(generations, rewards, feedback, cfg, policy, generator);
        out.updates().sinkTo(KafkaIo.sink(cfg, Topics.POLICY.name(), PolicyUpdate.class, PolicyUpdate::getPolicyName,
                        NAME))
                .name("kafka:" + Topics.POLICY.name()).uid(NAME + "-sink-policy").setParallelism(1);
        out.deadLetters().sinkTo(KafkaIo.sink(cfg, cfg.dlqTopic(), DeadLetter.class, DeadLetter::getRequestId, NAME))
                .name("kafka:" + cfg.dlqTopic()).uid(NAME + "-sink-dlq");
    }

    /**
     * {@code --bootstrap HOST:PORT [--key value ...]}, keys of {@link io.tessera.jobs.JobOptions} and
     * {@link PolicyOptions}; submits the job to the cluster.
     */
    public static void main(String[] args) throws Exception {
        Configuration conf = new Configuration();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value pairs, got '" + args[i] + "'");
            }
            conf.setString(args[i].substring(2), args[++i]);
        }
        JobConfig cfg = JobConfig.from(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        addToEnvironment(env, cfg, PolicyConfig.from(conf), GeneratorLoader.of(cfg));
        env.execute("tessera-" + NAME);
    }

    static String requestId(Either<GenerationCompleted, Either<Reward, Feedback>> in) {
        if (in.isLeft()) {
            return in.left().getRequestId();
        }
        return in.right().isLeft() ? in.right().left().getRequestId() : in.right().right().getRequestId();
    }

    static String generationProblem(GenerationCompleted g) {
        if (g.getRequestId().isEmpty()) {
            return "requestId is empty";
        }
        if (g.getSamples() < 1 || g.getSampleIndex() < 0 || g.getSampleIndex() >= g.getSamples()) {
            return "sampleIndex " + g.getSampleIndex() + " outside [0, samples=" + g.getSamples() + ")";
        }
        if (g.getPrefixTokens().isEmpty()) {
            return "prefixTokens is empty (the first generated token has no context)";
        }
        if (g.getLogprobs().size() != g.getTokens().size()) {
            return "tokens (" + g.getTokens().size() + ") and logprobs (" + g.getLogprobs().size()
                    + ") differ in length";
        }
        return null;
    }

    static String rewardProblem(Reward r) {
        if (r.getRequestId().isEmpty()) {
            return "requestId is empty";
        }
        if (r.getSampleIndex() < 0) {
            return "sampleIndex " + r.getSampleIndex() + " is negative";
        }
        if (!Double.isFinite(r.getTotal())) {
            return "total " + r.getTotal() + " is not finite";
        }
        return null;
    }

    static String feedbackProblem(Feedback f) {
        if (f.getRequestId().isEmpty()) {
            return "requestId is empty";
        }
        if (f.getKind() == FeedbackKind.PREFERENCE) {
            if (f.getPreferredSample() == null || f.getRejectedSample() == null) {
                return "PREFERENCE needs preferredSample and rejectedSample";
            }
            if (f.getPreferredSample().equals(f.getRejectedSample())) {
                return "PREFERENCE between sample " + f.getPreferredSample() + " and itself";
            }
        }
        return null;
    }
}
