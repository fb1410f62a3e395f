package io.tessera.jobs.policy;

import io.tessera.generator.rl.RlConfig;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every option of {@link PolicyJob}, declared once with type, default and meaning (the shared Kafka,
 * checkpoint and model options are {@link io.tessera.jobs.JobOptions}). {@link PolicyConfig} reads and
 * validates them.
 */
public final class PolicyOptions {

    private PolicyOptions() {}

    public static final ConfigOption<String> NAME = ConfigOptions.key("policy.name")
            .stringType()
            .defaultValue("default")
            .withDescription("Policy name: the key of the PolicyUpdate records on tessera.policy.");

    public static final ConfigOption<Duration> GROUP_TIMEOUT = ConfigOptions.key("policy.group-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(2))
            .withDescription("How long a request's group may wait for all its generations and rewards"
                    + " (processing time, from its first record); then its state is dropped and counted.");

    public static final ConfigOption<Duration> FEEDBACK_RETENTION = ConfigOptions.key("policy.feedback-retention")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("How long a request's generations are kept after its group was trained on, so"
                    + " that PREFERENCE feedback can still pair them for DPO; 0 clears them at once.");

    public static final ConfigOption<Integer> MAX_STALENESS = ConfigOptions.key("policy.max-staleness")
            .intType()
            .defaultValue(2)
            .withDescription("K: samples whose first token came from a policy more than K versions older"
                    + " than the trainer's are dropped (not importance-corrected; see the README).");

    public static final ConfigOption<Integer> GROUPS_PER_UPDATE = ConfigOptions.key("policy.groups-per-update")
            .intType()
            .defaultValue(1)
            .withDescription("Complete groups gathered into one GRPO update (>= 1).");

    public static final ConfigOption<Integer> PAIRS_PER_UPDATE = ConfigOptions.key("policy.pairs-per-update")
            .intType()
            .defaultValue(1)
            .withDescription("Preference pairs gathered into one DPO update (>= 1).");

    public static final ConfigOption<Integer> PUBLISH_EVERY = ConfigOptions.key("policy.publish-every")
            .intType()
            .defaultValue(1)
            .withDescription("N: a PolicyUpdate is published after every N trainer updates (>= 1).");

    public static final ConfigOption<Integer> INLINE_MAX_BYTES = ConfigOptions.key("policy.inline-max-bytes")
            .intType()
            .defaultValue(512 * 1024)
            .withDescription("Weights up to this size travel inline in the PolicyUpdate; larger ones are"
                    + " written under policy.weights-dir and sent as a file: URI plus SHA-256. Keep it"
                    + " under the producer's max.request.size (1 MiB by default).");

    public static final ConfigOption<String> WEIGHTS_DIR = ConfigOptions.key("policy.weights-dir")
            .stringType()
            .defaultValue("")
            .withDescription("Directory for published weight files; empty: <java.io.tmpdir>/tessera-policy."
                    + " Generators must be able to read it (same host or a shared file system).");

    public static final ConfigOption<Integer> KEEP_FILES = ConfigOptions.key("policy.keep-files")
            .intType()
            .defaultValue(4)
            .withDescription("Published weight files kept on disk (older ones are deleted; >= 1).");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("policy.checkpoint-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("Checkpoint interval of the PolicyJob (>= 100 ms). Each checkpoint holds the"
                    + " trainer's weights and AdamW moments (3 x 4 bytes per parameter), so it is longer"
                    + " than the other jobs' checkpoint-interval.");

    public static final ConfigOption<Float> LEARNING_RATE = ConfigOptions.key("policy.learning-rate")
            .floatType()
            .defaultValue(RlConfig.DEFAULT_LEARNING_RATE)
            .withDescription("AdamW learning rate of the RL trainer (> 0).");

    public static final ConfigOption<Float> CLIP_EPSILON = ConfigOptions.key("policy.clip-epsilon")
            .floatType()
            .defaultValue(RlConfig.DEFAULT_CLIP_EPSILON)
            .withDescription("PPO clip: the ratio is clipped to [1 - eps, 1 + eps] (in (0, 1)).");

    public static final ConfigOption<Float> KL_BETA = ConfigOptions.key("policy.kl-beta")
            .floatType()
            .defaultValue(RlConfig.DEFAULT_KL_BETA)
            .withDescription("Weight of the KL(new || reference) penalty in GRPO (>= 0).");

    public static final ConfigOption<Float> DPO_BETA = ConfigOptions.key("policy.dpo-beta")
            .floatType()
            .defaultValue(RlConfig.DEFAULT_DPO_BETA)
            .withDescription("DPO beta (> 0).");

    public static final ConfigOption<Integer> INNER_STEPS = ConfigOptions.key("policy.inner-steps")
            .intType()
            .defaultValue(RlConfig.DEFAULT_INNER_STEPS)
            .withDescription("Gradient steps per GRPO update on the same groups (>= 1).");

    public static final ConfigOption<Float> GRAD_CLIP = ConfigOptions.key("policy.grad-clip")
            .floatType()
            .defaultValue(1f)
            .withDescription("Global gradient-norm clip of the RL trainer (> 0).");
}
