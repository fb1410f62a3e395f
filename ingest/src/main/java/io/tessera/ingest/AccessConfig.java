package io.tessera.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Who may call the gateway and how much at once; part of {@link GatewayConfig}, validated when built.
 *
 * @param apiKeysFile          the hashed API keys file ({@code <sha256hex> <tenant>} per line, see
 *                             {@link io.tessera.ingest.auth.ApiKeys}); re-read when it changes. Null: none. Keys in
 *                             the environment variable {@code TESSERA_API_KEYS} ({@code tenant:key,...}) are added
 *                             either way. Default null ({@code bin/tessera up} passes {@code <dataDir>/api-keys}).
 * @param maxInFlight          requests accepted and not yet finished, all tenants together; one more is a 429.
 *                             Default {@value #DEFAULT_MAX_IN_FLIGHT}.
 * @param maxInFlightPerTenant the same bound per tenant. Default {@value #DEFAULT_MAX_IN_FLIGHT_PER_TENANT}.
 * @param requestLifetime      how long an accepted request without a deadline counts as in flight at most, in case
 *                             its results never arrive (one with a deadline counts until the deadline). Default
 *                             10 min.
 * @param retryAfter           what a 429 tells the client to wait ({@code Retry-After}, whole seconds). Default 2 s.
 */
public record AccessConfig(Path apiKeysFile, int maxInFlight, int maxInFlightPerTenant, Duration requestLifetime,
        Duration retryAfter) {

    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_TENANT = 16;

    public AccessConfig {
        if (maxInFlight < 1 || maxInFlight > 1_000_000) {
            throw new IllegalArgumentException("gateway config maxInFlight must be in [1, 1000000], got "
                    + maxInFlight);
        }
        if (maxInFlightPerTenant < 1 || maxInFlightPerTenant > maxInFlight) {
            throw new IllegalArgumentException("gateway config maxInFlightPerTenant must be in [1, maxInFlight="
                    + maxInFlight + "], got " + maxInFlightPerTenant);
        }
        Objects.requireNonNull(requestLifetime, "gateway config requestLifetime must be set");
        Objects.requireNonNull(retryAfter, "gateway config retryAfter must be set");
        if (requestLifetime.toMillis() < 1) {
            throw new IllegalArgumentException("gateway config requestLifetime must be positive, got "
                    + requestLifetime);
        }
        if (retryAfter.toSeconds() < 1 || retryAfter.toSeconds() > 3600) {
            throw new IllegalArgumentException("gateway config retryAfter must be 1 s .. 1 h, got " + retryAfter);
        }
    }

    /** The documented defaults: no keys file, 64 in flight, 16 per tenant, 10 min lifetime, Retry-After 2 s. */
    public static AccessConfig defaults() {
        return new AccessConfig(null, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_IN_FLIGHT_PER_TENANT,
                Duration.ofMinutes(10), Duration.ofSeconds(2));
    }

    public AccessConfig withApiKeysFile(Path file) {
        return new AccessConfig(file, maxInFlight, maxInFlightPerTenant, requestLifetime, retryAfter);
    }

    public AccessConfig withInFlight(int total, int perTenant) {
        return new AccessConfig(apiKeysFile, total, perTenant, requestLifetime, retryAfter);
    }

    public AccessConfig withRequestLifetime(Duration lifetime) {
        return new AccessConfig(apiKeysFile, maxInFlight, maxInFlightPerTenant, lifetime, retryAfter);
    }
}
