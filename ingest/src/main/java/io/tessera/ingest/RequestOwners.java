package io.tessera.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which tenant owns each request this gateway accepted, and how many samples it has, for the tenant checks of the
 * events, status, cancel and feedback routes. Bounded: past {@code capacity} the least recently used entry goes
 * (the status store answers for older requests).
 */
final class RequestOwners {

    /** Requests remembered; about 200 bytes each. */
    static final int DEFAULT_CAPACITY = 100_000;

    /** A request's owner and sample count (0 when not known). */
    record Owner(String tenant, int samples) {}

    private final int capacity;
    private final LinkedHashMap<String, Owner> owners;

    RequestOwners(int capacity) {
        this.capacity = capacity;
        this.owners = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Owner> eldest) {
                return size() > RequestOwners.this.capacity;
            }
        };
    }

    synchronized void put(String requestId, String tenant, int samples) {
        owners.put(requestId, new Owner(tenant, samples));
    }

    synchronized void remove(String requestId) {
        owners.remove(requestId);
    }

    synchronized Optional<Owner> get(String requestId) {
        return Optional.ofNullable(owners.get(requestId));
    }

    synchronized int size() {
        return owners.size();
    }
}
