package io.tessera.jobs.generation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MsHistogramTest {

    @Test
    void quantilesAreTheUpperBoundsOfTheBucketsTheyFallIn() {
        MsHistogram h = new MsHistogram();
        for (int i = 0; i < 98; i++) {
            h.add(17.3); // bucket [17, 18)
        }
        h.add(240.0);
        h.add(5_000.0); // beyond the last bucket: counted there, its value kept as the max
        assertThat(h.count()).isEqualTo(100);
        assertThat(h.quantileBelowMs(0.5)).isEqualTo(18);
        assertThat(h.quantileBelowMs(0.98)).isEqualTo(18);
        assertThat(h.quantileBelowMs(0.99)).isEqualTo(241);
        assertThat(h.quantileBelowMs(1.0)).isEqualTo(MsHistogram.LAST_BUCKET + 1);
        assertThat(h.max()).isEqualTo(5_000.0);
        assertThat(h.summary()).isEqualTo("100: p50 < 18 / p99 < 241 / max 5000.0 ms");
    }

    @Test
    void anEmptyHistogramSaysZero() {
        MsHistogram h = new MsHistogram();
        assertThat(h.count()).isZero();
        assertThat(h.quantileBelowMs(0.5)).isZero();
        assertThat(h.summary()).isEqualTo("0: p50 < 0 / p99 < 0 / max 0.0 ms");
    }
}
