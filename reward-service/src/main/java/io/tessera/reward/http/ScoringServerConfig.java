package io.tessera.reward.http;

import io.tessera.reward.RewardConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the scoring service, validated in the constructor (messages name the key).
 *
 * @param host          {@code host}: address to bind, default 127.0.0.1 (loopback only)
 * @param port          {@code port}: TCP port, 0 picks a free one; default {@value #DEFAULT_PORT}
 * @param maxBodyBytes  {@code max-body-bytes}: largest request body accepted (413 beyond); default 16 MiB
 * @param maxFrames     {@code max-frames}: most frames (or frame units of tokens) one request may carry; default 64
 * @param threads       {@code threads}: request handler threads; default 2
 * @param reward        the reward's weights ({@code weight.*} keys of {@link RewardConfig})
 */
public record ScoringServerConfig(String host, int port, int maxBodyBytes, int maxFrames, int threads,
        RewardConfig reward) {
    public static final int DEFAULT_PORT = 8091;

    public ScoringServerConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("invalid option 'host': empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("invalid option 'port': " + port + " (allowed: 0 to 65535)");
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("invalid option 'max-body-bytes': " + maxBodyBytes + " (allowed: >= 1024)");
        }
        if (maxFrames < 1) {
            throw new IllegalArgumentException("invalid option 'max-frames': " + maxFrames + " (allowed: >= 1)");
        }
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("invalid option 'threads': " + threads + " (allowed: 1 to 64)");
        }
        Objects.requireNonNull(reward, "reward");
    }

    public static ScoringServerConfig defaults() {
        return new ScoringServerConfig("127.0.0.1", DEFAULT_PORT, 16 << 20, 64, 2, RewardConfig.DEFAULT);
    }

    public ScoringServerConfig withPort(int next) {
        return new ScoringServerConfig(host, next, maxBodyBytes, maxFrames, threads, reward);
    }

    public ScoringServerConfig withReward(RewardConfig next) {
        return new ScoringServerConfig(host, port, maxBodyBytes, maxFrames, threads, next);
    }

    /** {@code --host --port --max-body-bytes --max-frames --threads} and the reward's {@code --weight.*} keys. */
    public static ScoringServerConfig fromArgs(String[] args) {
        Map<String, String> own = new HashMap<>();
        Map<String, String> weights = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value pairs, got '" + args[i] + "'");
            }
            String key = args[i].substring(2);
            (key.startsWith("weight.") ? weights : own).put(key, args[++i]);
        }
        ScoringServerConfig d = defaults();
        for (String k : own.keySet()) {
            if (!java.util.List.of("host", "port", "max-body-bytes", "max-frames", "threads").contains(k)) {
                throw new IllegalArgumentException("unknown option '--" + k + "' (known: --host --port --max-body-bytes"
                        + " --max-frames --threads --weight.*)");
            }
        }
        return new ScoringServerConfig(own.getOrDefault("host", d.host()),
                integer(own, "port", d.port()), integer(own, "max-body-bytes", d.maxBodyBytes()),
                integer(own, "max-frames", d.maxFrames()), integer(own, "threads", d.threads()),
                RewardConfig.from(weights));
    }

    private static int integer(Map<String, String> raw, String key, int dflt) {
        String v = raw.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid option '" + key + "': '" + v + "' is not an integer");
        }
    }
}
