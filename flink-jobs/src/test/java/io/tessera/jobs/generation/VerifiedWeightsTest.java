package io.tessera.jobs.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.generator.model.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VerifiedWeightsTest {

    @AfterEach
    void forget() {
        VerifiedWeights.clear();
    }

    static Path file(byte[] bytes) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "tmp"));
        Path f = Files.createTempFile(dir, "weights", ".bin");
        return Files.write(f, bytes);
    }

    /** Subtasks asking at the same time get the one array the first of them read and hashed. */
    @Test
    void concurrentReadersShareOneVerifiedRead() throws Exception {
        byte[] bytes = new byte[3_000_000];
        new java.util.Random(3).nextBytes(bytes);
        Path f = file(bytes);
        String sha = Policy.sha256(bytes);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                reads.add(pool.submit((Callable<byte[]>) () -> VerifiedWeights.read(f, sha)));
            }
            byte[] first = reads.get(0).get();
            assertThat(first).isEqualTo(bytes);
            for (Future<byte[]> r : reads) {
                assertThat(r.get()).isSameAs(first);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Bytes a publisher in this JVM remembered are returned without reading the file. */
    @Test
    void rememberedBytesAreTakenWithoutReadingTheFile() throws Exception {
        byte[] bytes = {4, 3, 2, 1};
        Path f = file(bytes);
        byte[] mine = bytes.clone();
        VerifiedWeights.remember(f, mine, Policy.sha256(bytes));
        assertThat(VerifiedWeights.read(f, Policy.sha256(bytes))).isSameAs(mine);
    }

    /** A wrong hash is refused and not remembered; a file changed on disk is read again. */
    @Test
    void aMismatchIsRefusedAndAChangedFileIsReadAgain() throws Exception {
        byte[] bytes = {1, 2, 3, 4};
        Path f = file(bytes);
        assertThatThrownBy(() -> VerifiedWeights.read(f, Policy.sha256(new byte[] {9})))
                .isInstanceOf(VerifiedWeights.ChecksumMismatch.class).hasMessageContaining("sha256 of the weights is");
        byte[] ok = VerifiedWeights.read(f, Policy.sha256(bytes));
        assertThat(ok).isEqualTo(bytes);
        assertThat(VerifiedWeights.read(f, Policy.sha256(bytes))).isSameAs(ok);

        byte[] other = {5, 6, 7, 8, 9};
        Files.write(f, other);
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5_000));
        assertThatThrownBy(() -> VerifiedWeights.read(f, Policy.sha256(bytes)))
                .isInstanceOf(VerifiedWeights.ChecksumMismatch.class);
        assertThat(VerifiedWeights.read(f, Policy.sha256(other))).isEqualTo(other);
    }
}
