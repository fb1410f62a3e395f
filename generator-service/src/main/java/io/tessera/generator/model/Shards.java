package io.tessera.generator.model;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits one batched step into contiguous row ranges that run side by side on several cores: the first range on
 * the calling thread, the others on a shared pool of daemon threads. PyTorch runs one intra-op thread per
 * process here (a second one spins and loses), so a 32-row decode step on two cores becomes two 16-row forwards
 * at once instead of one 32-row forward on one core. The rows of a range are independent of the other ranges'
 * (each sample has its own cache slot), so the split changes no result beyond the last bits a batch shape can
 * change anyway.
 */
public final class Shards {
    /** Rows below which a range costs more to hand over than it saves: each range gets at least this many. */
    public static final int MIN_ROWS = 8;

    /** At most this many ranges by default: past four, the decode step is bound by memory, not by cores. */
    public static final int MAX_AUTO = 4;

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tessera-shard-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private Shards() {}

    /** The default number of ranges: one per core, at most {@link #MAX_AUTO}. */
    public static int auto() {
        return Math.max(1, Math.min(MAX_AUTO, Runtime.getRuntime().availableProcessors()));
    }

    /** How many ranges {@code rows} rows split into with at most {@code maxShards}: each gets >= {@link #MIN_ROWS}. */
    public static int count(int rows, int maxShards) {
        return Math.max(1, Math.min(maxShards, rows / MIN_ROWS));
    }

    /** First row of range {@code i} of {@code count} over {@code rows} rows; range i is [start(i), start(i + 1)). */
    public static int start(int i, int count, int rows) {
        return (int) ((long) rows * i / count);
    }

    /**
     * Runs every piece, the first on this thread, and returns their results in order. Each piece runs with
     * PyTorch's gradient tracking off (a per-thread switch). Waits for every piece before it returns or throws, so
     * no piece still touches shared arrays when the caller handles a failure; the first failure is rethrown.
     */
    public static <T> List<T> run(List<Callable<T>> pieces) {
        List<Future<T>> others = new ArrayList<>();
        for (int i = 1; i < pieces.size(); i++) {
            Callable<T> piece = pieces.get(i);
            others.add(POOL.submit(() -> withoutGrad(piece)));
        }
        List<T> results = new ArrayList<>(pieces.size());
        RuntimeException failure = null;
        try {
            results.add(withoutGrad(pieces.get(0)));
        } catch (RuntimeException e) {
            failure = e;
        }
        boolean interrupted = false;
        for (Future<T> f : others) {
            while (true) {
                try {
                    results.add(f.get());
                    break;
                } catch (ExecutionException e) {
                    failure = failure != null ? failure : asRuntime(e.getCause());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: the piece still writes into shared arrays
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    private static <T> T withoutGrad(Callable<T> piece) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return piece.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    private static RuntimeException asRuntime(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }
}
