package io.tessera.jobs.generation;

import io.tessera.generator.model.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Weights read from a {@code file:} URI and checked against their SHA-256, shared by the generate subtasks of one
 * JVM: a policy update reaches every subtask at about the same time, and each used to read and hash the same
 * 17.7 MB (0.2-0.3 CPU-s with the C1-only JIT) while its neighbours decoded on the same cores. The first
 * subtask to ask reads and verifies; the others wait for its result on their loader threads. A publisher in the
 * same JVM (PolicyJob in {@code tessera up} and {@code tessera rl}) hands over the bytes it has just written and
 * hashed ({@link #remember}), so the generators there neither read nor hash them again. The two newest files are
 * remembered (a file is read again when its size or modification time changed).
 */
public final class VerifiedWeights {

    private static final int REMEMBERED = 2;
    private static final Map<String, CompletableFuture<byte[]>> FILES = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<byte[]>> eldest) {
            return size() > REMEMBERED;
        }
    };

    private VerifiedWeights() {}

    /** Thrown when the file's bytes do not hash to the expected SHA-256. */
    static final class ChecksumMismatch extends Exception {
        ChecksumMismatch(String message) {
            super(message);
        }
    }

    /**
     * The file's bytes, verified against {@code expectedSha256}; read and hashed once per JVM for the same file
     * (path, size, modification time) and expected hash.
     */
    public static byte[] read(Path file, String expectedSha256) throws IOException, ChecksumMismatch, InterruptedException {
        String key = key(file, expectedSha256);
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> shared;
        synchronized (FILES) {
            shared = FILES.putIfAbsent(key, mine);
        }
        if (shared == null) {
            try {
                byte[] bytes = Files.readAllBytes(file);
                String actual = Policy.sha256(bytes);
                if (!actual.equalsIgnoreCase(expectedSha256)) {
                    throw new ChecksumMismatch("sha256 of the weights is " + actual + ", the update says "
                            + expectedSha256);
                }
                mine.complete(bytes);
                return bytes;
            } catch (IOException | ChecksumMismatch | RuntimeException e) {
                mine.completeExceptionally(e);
                synchronized (FILES) {
                    FILES.remove(key, mine); // a later update may find the file fixed
                }
                throw e;
            }
        }
        try {
            return shared.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ChecksumMismatch m) {
                throw new ChecksumMismatch(m.getMessage());
            }
            if (cause instanceof IOException io) {
                throw new IOException(io.getMessage(), io);
            }
            throw new UncheckedIOException(new IOException("reading " + file + " failed: " + cause, cause));
        }
    }

    /**
     * Remembers bytes a publisher in this JVM has just written to {@code file} (atomically: it is complete) with
     * their SHA-256, as if a generator had read and verified them.
     */
    public static void remember(Path file, byte[] bytes, String sha256) throws IOException {
        String key = key(file, sha256);
        synchronized (FILES) {
            FILES.put(key, CompletableFuture.completedFuture(bytes));
        }
    }

    private static String key(Path file, String sha256) throws IOException {
        return file.toAbsolutePath() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis()
                + "|" + sha256.toLowerCase(java.util.Locale.ROOT);
    }

    /** Forgets every remembered file (tests). */
    static void clear() {
        synchronized (FILES) {
            FILES.clear();
        }
    }
}
