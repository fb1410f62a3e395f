package io.tessera.jobs.policy;

import io.tessera.generator.rl.RlConfig;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The PolicyJob's settings, validated once; each field's key, default and meaning is in {@link PolicyOptions}.
 */
public record PolicyConfig(
        String name,
        Duration groupTimeout,
        Duration feedbackRetention,
        int maxStaleness,
        int groupsPerUpdate,
        int pairsPerUpdate,
        int publishEvery,
        int inlineMaxBytes,
        String weightsDir,
        int keepFiles,
        Duration checkpointInterval,
        float learningRate,
        float clipEpsilon,
        float klBeta,
        float dpoBeta,
        int innerSteps,
        float gradClip) implements Serializable {

    public PolicyConfig {
        if (name == null || name.isBlank()) {
            throw invalid(PolicyOptions.NAME, name, "a non-empty string");
        }
        if (groupTimeout == null || groupTimeout.toMillis() < 1) {
            throw invalid(PolicyOptions.GROUP_TIMEOUT, groupTimeout, ">= 1 ms");
        }
        if (feedbackRetention == null || feedbackRetention.isNegative()) {
            throw invalid(PolicyOptions.FEEDBACK_RETENTION, feedbackRetention, ">= 0");
        }
        if (maxStaleness < 0) {
            throw invalid(PolicyOptions.MAX_STALENESS, maxStaleness, ">= 0");
        }
        if (groupsPerUpdate < 1) {
            throw invalid(PolicyOptions.GROUPS_PER_UPDATE, groupsPerUpdate, ">= 1");
        }
        if (pairsPerUpdate < 1) {
            throw invalid(PolicyOptions.PAIRS_PER_UPDATE, pairsPerUpdate, ">= 1");
        }
        if (publishEvery < 1) {
            throw invalid(PolicyOptions.PUBLISH_EVERY, publishEvery, ">= 1");
        }
        if (inlineMaxBytes < 0) {
            throw invalid(PolicyOptions.INLINE_MAX_BYTES, inlineMaxBytes, ">= 0");
        }
        if (keepFiles < 1) {
            throw invalid(PolicyOptions.KEEP_FILES, keepFiles, ">= 1");
        }
        if (checkpointInterval == null || checkpointInterval.toMillis() < 100) {
            throw invalid(PolicyOptions.CHECKPOINT_INTERVAL, checkpointInterval, ">= 100 ms");
        }
        weightsDir = weightsDir == null ? "" : weightsDir.trim();
        try {
            new RlConfig(learningRate, 0f, gradClip, clipEpsilon, klBeta, dpoBeta, innerSteps, 1e-4f);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid policy.* trainer option: " + e.getMessage(), e);
        }
    }

    /** Every option at its default. */
    public static PolicyConfig defaults() {
        return from(new Configuration());
    }

    public static PolicyConfig from(Configuration conf) {
        return new PolicyConfig(
                conf.get(PolicyOptions.NAME),
                conf.get(PolicyOptions.GROUP_TIMEOUT),
                conf.get(PolicyOptions.FEEDBACK_RETENTION),
                conf.get(PolicyOptions.MAX_STALENESS),
                conf.get(PolicyOptions.GROUPS_PER_UPDATE),
                conf.get(PolicyOptions.PAIRS_PER_UPDATE),
                conf.get(PolicyOptions.PUBLISH_EVERY),
                conf.get(PolicyOptions.INLINE_MAX_BYTES),
                conf.get(PolicyOptions.WEIGHTS_DIR),
                conf.get(PolicyOptions.KEEP_FILES),
                conf.get(PolicyOptions.CHECKPOINT_INTERVAL),
                conf.get(PolicyOptions.LEARNING_RATE),
                conf.get(PolicyOptions.CLIP_EPSILON),
                conf.get(PolicyOptions.KL_BETA),
                conf.get(PolicyOptions.DPO_BETA),
                conf.get(PolicyOptions.INNER_STEPS),
                conf.get(PolicyOptions.GRAD_CLIP));
    }

    /** The trainer's hyper-parameters. */
    public RlConfig rl() {
        return new RlConfig(learningRate, 0f, gradClip, clipEpsilon, klBeta, dpoBeta, innerSteps, 1e-4f);
    }

    /** Where weight files go: {@link #weightsDir()}, or {@code <java.io.tmpdir>/tessera-policy}. */
    public Path weightsPath() {
        return weightsDir.isEmpty() ? Path.of(System.getProperty("java.io.tmpdir"), "tessera-policy")
                : Path.of(weightsDir);
    }

    private static IllegalArgumentException invalid(ConfigOption<?> option, Object value, String allowed) {
        return new IllegalArgumentException(
                "invalid option '" + option.key() + "': " + value + " (allowed: " + allowed + ")");
    }
}
