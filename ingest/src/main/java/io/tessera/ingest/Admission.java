package io.tessera.ingest;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Admission control: how many requests each tenant, and all together, have in flight, and whether one more may
 * come in. In flight means accepted and not yet finished: done, cancelled or failed as the gateway's own result
 * reader sees it ({@link #finish}), or past its expiry (the request's deadline, else its acceptance plus the
 * configured lifetime). Past a bound the caller gets a 429 with {@code Retry-After} at once; nothing is queued.
 * Memory is bounded by {@code maxInFlight} entries.
 */
final class Admission {

    /** Why a request was refused; the JSON reason and the metrics label. */
    static final String TENANT_LIMIT = "tenant_limit";
    static final String TOTAL_LIMIT = "total_limit";

    private record Entry(String tenant, long expiresAtMs) {}

    private final int maxTotal;
    private final int maxPerTenant;
    private final long retryAfterS;
    private final LongSupplier clockMs;
    private final Map<String, Entry> inFlight = new LinkedHashMap<>();
    private final Map<String, Integer> perTenant = new HashMap<>();

    Admission(AccessConfig cfg, LongSupplier clockMs) {
        this.maxTotal = cfg.maxInFlight();
        this.maxPerTenant = cfg.maxInFlightPerTenant();
        this.retryAfterS = cfg.retryAfter().toSeconds();
        this.clockMs = clockMs;
    }

    /**
     * Takes a slot for {@code requestId} of {@code tenant} until it finishes or {@code expiresAtMs} passes, or
     * throws a 429 (with {@code Retry-After} and the reason, limit and count) when a bound is reached.
     */
    synchronized void admit(String tenant, String requestId, long expiresAtMs) {
        check(tenant);
        inFlight.put(requestId, new Entry(tenant, expiresAtMs));
        perTenant.merge(tenant, 1, Integer::sum);
    }

    /** Throws the 429 {@link #admit} would throw now, without taking a slot (a cheap check before reading a body). */
    synchronized void check(String tenant) {
        expire();
        int mine = perTenant.getOrDefault(tenant, 0);
        if (mine >= maxPerTenant) {
            throw refused(TENANT_LIMIT, "tenant " + tenant + " has " + mine + " requests in flight; the limit is "
                    + maxPerTenant + " per tenant", maxPerTenant, mine);
        }
        if (inFlight.size() >= maxTotal) {
            throw refused(TOTAL_LIMIT, "the gateway has " + inFlight.size() + " requests in flight; the limit is "
                    + maxTotal, maxTotal, inFlight.size());
        }
    }

    /** Frees the slot of a finished (or never published) request; unknown ids are ignored. */
    synchronized void finish(String requestId) {
        Entry e = inFlight.remove(requestId);
        if (e != null) {
            release(e.tenant);
        }
    }

    /** In flight now, by tenant (tenants with none left out). */
    synchronized Map<String, Integer> perTenant() {
        expire();
        return Map.copyOf(perTenant);
    }

    synchronized int total() {
        expire();
        return inFlight.size();
    }

    private void expire() {
        long now = clockMs.getAsLong();
        for (Iterator<Entry> it = inFlight.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.expiresAtMs <= now) {
                it.remove();
                release(e.tenant);
            }
        }
    }

    private void release(String tenant) {
        perTenant.computeIfPresent(tenant, (t, n) -> n <= 1 ? null : n - 1);
    }

    private ApiException refused(String reason, String message, int limit, int count) {
        return new ApiException(429, message + "; retry after " + retryAfterS + " s", null)
                .header("Retry-After", Long.toString(retryAfterS))
                .detail("reason", reason)
                .detail("limit", limit)
                .detail("inFlight", count);
    }
}
