package io.tessera.ingest;

import io.tessera.schemas.Topics;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the gateway can be told, validated when built. Each component is documented with its default
 * ({@link #defaults(String)}); an invalid value fails fast with a message naming the key and the allowed range.
 *
 * @param host                  interface the HTTP server binds to. Default {@code 127.0.0.1} (loopback only).
 * @param port                  TCP port; 0 picks a free one. Default {@value #DEFAULT_PORT}.
 * @param bootstrapServers      Kafka bootstrap servers, {@code host:port[,host:port]}. Required.
 * @param httpThreads           threads serving ordinary requests (POST, healthz). Default 8.
 * @param maxEventStreams       concurrent SSE streams; one more gets 503 with Retry-After. Default 256.
 * @param maxBodyBytes          largest request body; larger gets 413. Default 16 MiB.
 * @param maxPromptChars        longest prompt in Unicode code points. Default 1000.
 * @param maxImageBytes         largest conditioning image or video frame (PNG or JPEG), decoded bytes. Default
 *                              4 MiB (each becomes one record on tessera.media.in, whose limit is 8 MiB).
 * @param maxImageSide          largest width or height of a conditioning image or frame, pixels. Default 1024.
 * @param maxVideoFrames        most conditioning video frames in one request. Default 64.
 * @param maxAudioBytes         largest conditioning WAV file. Default 4 MiB (about 2 min of 16 kHz mono 16-bit).
 * @param produceTimeout        how long a POST waits for Kafka to acknowledge its records before answering 503.
 *                              Also bounds the start-up metadata lookups. Default 15 s.
 * @param replayRequests        requests whose recent events are kept for late subscribers. Default 512.
 * @param replayBytes           bytes of events kept for all those requests together. Default 64 MiB.
 * @param replayBytesPerRequest bytes of events kept per request; older events of that request are dropped first.
 *                              Default 16 MiB.
 * @param subscriberQueueEvents events one SSE client may fall behind before it is dropped. Default 1024.
 * @param subscriberQueueBytes  bytes one SSE client may fall behind before it is dropped. Default 16 MiB.
 * @param keepAlive             interval of SSE keep-alive comments. Default 15 s.
 * @param readCommitted         read result topics with {@code isolation.level=read_committed}. Default false: the
 *                              gateway shows chunks as soon as they are written (before the producing job's
 *                              checkpoint commits them) and drops duplicates by chunk identity.
 * @param access                API keys file and admission bounds ({@link AccessConfig}, whose defaults apply).
 */
public record GatewayConfig(
        String host,
        int port,
        String bootstrapServers,
        int httpThreads,
        int maxEventStreams,
        int maxBodyBytes,
        int maxPromptChars,
        int maxImageBytes,
        int maxImageSide,
        int maxVideoFrames,
        int maxAudioBytes,
        Duration produceTimeout,
        int replayRequests,
        long replayBytes,
        long replayBytesPerRequest,
        int subscriberQueueEvents,
        long subscriberQueueBytes,
        Duration keepAlive,
        boolean readCommitted,
        AccessConfig access) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    static final int MIB = 1 << 20;
    static final int KIB = 1 << 10;
    /** One media file is one record on tessera.media.in; leave room for the record's other fields. */
    static final int MAX_MEDIA_BYTES = Topics.MEDIA_IN.maxMessageBytes() - 64 * KIB;

    public GatewayConfig {
        requireText("host", host);
        requireText("bootstrapServers", bootstrapServers);
        range("port", port, 0, 65_535);
        range("httpThreads", httpThreads, 1, 1_024);
        range("maxEventStreams", maxEventStreams, 1, 10_000);
        range("maxBodyBytes", maxBodyBytes, KIB, 512 * MIB);
        range("maxPromptChars", maxPromptChars, 1, 100_000);
        range("maxImageBytes", maxImageBytes, KIB, MAX_MEDIA_BYTES);
        range("maxImageSide", maxImageSide, 1, 16_384);
        range("maxVideoFrames", maxVideoFrames, 1, 4_096);
        range("maxAudioBytes", maxAudioBytes, KIB, MAX_MEDIA_BYTES);
        positive("produceTimeout", produceTimeout);
        range("replayRequests", replayRequests, 1, 1_000_000);
        range("replayBytes", replayBytes, KIB, 64L * 1024 * MIB);
        range("replayBytesPerRequest", replayBytesPerRequest, KIB, replayBytes);
        range("subscriberQueueEvents", subscriberQueueEvents, 1, 1_000_000);
        range("subscriberQueueBytes", subscriberQueueBytes, KIB, 64L * 1024 * MIB);
        positive("keepAlive", keepAlive);
        Objects.requireNonNull(access, "gateway config access must be set");
    }

    /** The defaults documented on each component, talking to Kafka at {@code bootstrapServers}. */
    public static GatewayConfig defaults(String bootstrapServers) {
        return new GatewayConfig(DEFAULT_HOST, DEFAULT_PORT, bootstrapServers, 8, 256, 16 * MIB, 1000,
                4 * MIB, 1024, 64, 4 * MIB, Duration.ofSeconds(15), 512, 64L * MIB, 16L * MIB,
                1024, 16L * MIB, Duration.ofSeconds(15), false, AccessConfig.defaults());
    }

    public GatewayConfig withHost(String newHost) {
        return new GatewayConfig(newHost, port, bootstrapServers, httpThreads, maxEventStreams, maxBodyBytes,
                maxPromptChars, maxImageBytes, maxImageSide, maxVideoFrames, maxAudioBytes, produceTimeout,
                replayRequests, replayBytes, replayBytesPerRequest, subscriberQueueEvents, subscriberQueueBytes,
                keepAlive, readCommitted, access);
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(host, newPort, bootstrapServers, httpThreads, maxEventStreams, maxBodyBytes,
                maxPromptChars, maxImageBytes, maxImageSide, maxVideoFrames, maxAudioBytes, produceTimeout,
                replayRequests, replayBytes, replayBytesPerRequest, subscriberQueueEvents, subscriberQueueBytes,
                keepAlive, readCommitted, access);
    }

    /** Replaces how long the gateway waits for Kafka (acks of a POST, metadata at start). */
    public GatewayConfig withProduceTimeout(Duration newProduceTimeout) {
        return new GatewayConfig(host, port, bootstrapServers, httpThreads, maxEventStreams, maxBodyBytes,
                maxPromptChars, maxImageBytes, maxImageSide, maxVideoFrames, maxAudioBytes, newProduceTimeout,
                replayRequests, replayBytes, replayBytesPerRequest, subscriberQueueEvents, subscriberQueueBytes,
                keepAlive, readCommitted, access);
    }

    /** Replaces the body and media size limits. */
    public GatewayConfig withBodyLimits(int newMaxBodyBytes, int newMaxImageBytes, int newMaxAudioBytes) {
        return new GatewayConfig(host, port, bootstrapServers, httpThreads, maxEventStreams, newMaxBodyBytes,
                maxPromptChars, newMaxImageBytes, maxImageSide, maxVideoFrames, newMaxAudioBytes, produceTimeout,
                replayRequests, replayBytes, replayBytesPerRequest, subscriberQueueEvents, subscriberQueueBytes,
                keepAlive, readCommitted, access);
    }

    /** Replaces the SSE bounds: concurrent streams, per-subscriber queue and keep-alive interval. */
    public GatewayConfig withStreamLimits(int newMaxEventStreams, int newQueueEvents, long newQueueBytes,
            Duration newKeepAlive) {
        return new GatewayConfig(host, port, bootstrapServers, httpThreads, newMaxEventStreams, maxBodyBytes,
                maxPromptChars, maxImageBytes, maxImageSide, maxVideoFrames, maxAudioBytes, produceTimeout,
                replayRequests, replayBytes, replayBytesPerRequest, newQueueEvents, newQueueBytes,
                newKeepAlive, readCommitted, access);
    }

    /** Replaces the API keys file and admission bounds. */
    public GatewayConfig withAccess(AccessConfig newAccess) {
        return new GatewayConfig(host, port, bootstrapServers, httpThreads, maxEventStreams, maxBodyBytes,
                maxPromptChars, maxImageBytes, maxImageSide, maxVideoFrames, maxAudioBytes, produceTimeout,
                replayRequests, replayBytes, replayBytesPerRequest, subscriberQueueEvents, subscriberQueueBytes,
                keepAlive, readCommitted, newAccess);
    }

    /** Replaces the hashed API keys file ({@code <sha256hex> <tenant>} per line); see {@link AccessConfig}. */
    public GatewayConfig withApiKeysFile(java.nio.file.Path file) {
        return withAccess(access.withApiKeysFile(file));
    }

    private static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("gateway config " + key + " must be set");
        }
    }

    private static void range(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    "gateway config " + key + " must be in [" + min + ", " + max + "], got " + value);
        }
    }

    private static void positive(String key, Duration value) {
        Objects.requireNonNull(value, () -> "gateway config " + key + " must be set");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("gateway config " + key + " must be positive, got " + value);
        }
    }
}
