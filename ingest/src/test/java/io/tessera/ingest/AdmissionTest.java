package io.tessera.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    final AtomicLong now = new AtomicLong(1_000);
    final Admission admission = new Admission(AccessConfig.defaults().withInFlight(3, 2)
            .withRequestLifetime(Duration.ofSeconds(60)), now::get);

    @Test
    void aTenantPastItsLimitGets429WithRetryAfterAndTheReason() {
        admission.admit("alice", "a1", 10_000);
        admission.admit("alice", "a2", 10_000);
        ApiException e = catchThrowableOfType(ApiException.class, () -> admission.admit("alice", "a3", 10_000));
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.headers()).containsEntry("Retry-After", "2");
        assertThat(e.details()).containsEntry("reason", Admission.TENANT_LIMIT).containsEntry("limit", 2)
                .containsEntry("inFlight", 2);
        assertThat(e.getMessage()).contains("alice", "limit is 2");
        assertThat(catchThrowableOfType(ApiException.class, () -> admission.check("alice"))).isNotNull();
        admission.admit("bob", "b1", 10_000); // another tenant still fits
        assertThat(admission.perTenant()).isEqualTo(Map.of("alice", 2, "bob", 1));
    }

    @Test
    void theGatewayPastItsTotalLimitGets429() {
        admission.admit("alice", "a1", 10_000);
        admission.admit("bob", "b1", 10_000);
        admission.admit("carol", "c1", 10_000);
        ApiException e = catchThrowableOfType(ApiException.class, () -> admission.admit("dave", "d1", 10_000));
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.details()).containsEntry("reason", Admission.TOTAL_LIMIT).containsEntry("limit", 3);
        assertThat(admission.total()).isEqualTo(3);
    }

    @Test
    void finishingOrExpiringFreesTheSlot() {
        admission.admit("alice", "a1", 10_000);
        admission.admit("alice", "a2", 5_000);
        admission.finish("a1");
        admission.finish("a1"); // twice is harmless
        admission.finish("unknown");
        assertThat(admission.perTenant()).isEqualTo(Map.of("alice", 1));
        admission.admit("alice", "a3", 10_000);
        now.set(5_000); // a2's expiry
        assertThat(admission.perTenant()).isEqualTo(Map.of("alice", 1));
        admission.admit("alice", "a4", 10_000);
        now.set(10_000);
        assertThat(admission.total()).isZero();
        assertThat(admission.perTenant()).isEmpty();
    }
}
