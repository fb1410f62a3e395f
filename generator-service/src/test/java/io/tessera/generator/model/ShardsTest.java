package io.tessera.generator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ShardsTest {

    @Test
    void rangesAreContiguousCoverEveryRowAndHoldAtLeastMinRows() {
        assertThat(Shards.count(1, 4)).isEqualTo(1);
        assertThat(Shards.count(2 * Shards.MIN_ROWS - 1, 4)).isEqualTo(1);
        assertThat(Shards.count(2 * Shards.MIN_ROWS, 4)).isEqualTo(2);
        assertThat(Shards.count(32, 2)).isEqualTo(2);
        assertThat(Shards.count(32, 1)).isEqualTo(1);
        for (int rows : new int[] {16, 17, 31, 32, 33}) {
            int n = Shards.count(rows, 4);
            assertThat(Shards.start(0, n, rows)).isZero();
            assertThat(Shards.start(n, n, rows)).isEqualTo(rows);
            for (int i = 0; i < n; i++) {
                assertThat(Shards.start(i + 1, n, rows) - Shards.start(i, n, rows)).isBetween(Shards.MIN_ROWS, rows);
            }
        }
        assertThat(Shards.auto()).isBetween(1, Shards.MAX_AUTO);
    }

    @Test
    void runsPiecesAtOnceOnSeveralThreadsAndKeepsTheirOrder() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch allStarted = new CountDownLatch(3);
        List<Callable<Integer>> pieces = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int id = i;
            pieces.add(() -> {
                threads.add(Thread.currentThread().getName());
                allStarted.countDown();
                assertThat(allStarted.await(10, TimeUnit.SECONDS)).as("every piece runs at the same time").isTrue();
                return id * 10;
            });
        }
        assertThat(Shards.run(pieces)).containsExactly(0, 10, 20);
        assertThat(threads).contains(Thread.currentThread().getName()).hasSize(3);
    }

    @Test
    void aFailingPieceIsRethrownAfterTheOthersFinished() {
        AtomicBoolean slowDone = new AtomicBoolean();
        List<Callable<Integer>> pieces = List.of(
                () -> {
                    throw new IllegalArgumentException("bad rows");
                },
                () -> {
                    Thread.sleep(200);
                    slowDone.set(true);
                    return 1;
                });
        assertThatThrownBy(() -> Shards.run(pieces))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bad rows");
        assertThat(slowDone).as("the caller returns only when no piece still runs").isTrue();
    }
}
