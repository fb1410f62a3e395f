package io.tessera.jobs.policy;

import io.tessera.generator.model.Policy;
import io.tessera.records.PolicyUpdate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Turns a published policy into a {@link PolicyUpdate} the way {@code GenerateOperator}'s hot swap reads it:
 * {@link Policy#toBytes()} inline when at most {@code inlineMaxBytes}, else written atomically to
 * {@code <dir>/<name>-v<version>.bin} and referenced by a {@code file:} URI; in both cases the SHA-256 of the
 * bytes (the generator verifies it before swapping) and the generator's model id. Only the newest
 * {@code keep} files stay on disk. Public for {@code tessera policy publish} (module deploy), which publishes a
 * model directory the same way ({@code inlineMaxBytes} -1: always by file).
 */
public final class WeightsPublisher {
    private final String policyName;
    private final String modelId;
    private final int inlineMaxBytes;
    private final Path dir;
    private final int keep;
    private final Deque<Path> written = new ArrayDeque<>();

    public WeightsPublisher(String policyName, String modelId, int inlineMaxBytes, Path dir, int keep) {
        this.policyName = policyName;
        this.modelId = modelId;
        this.inlineMaxBytes = inlineMaxBytes;
        this.dir = dir;
        this.keep = keep;
    }

    public PolicyUpdate update(Policy policy, long baseVersion, Map<String, Double> metrics) {
        byte[] bytes = policy.toBytes();
        String sha256 = Policy.sha256(bytes);
        PolicyUpdate.Builder b = PolicyUpdate.newBuilder()
                .setPolicyName(policyName)
                .setVersion(policy.version())
                .setBaseVersion(baseVersion)
                .setModelId(modelId)
                .setSha256(sha256)
                .setMetrics(metrics)
                .setCreatedAtMs(System.currentTimeMillis());
        if (bytes.length <= inlineMaxBytes) {
            return b.setWeights(ByteBuffer.wrap(bytes)).setUri(null).build();
        }
        Path file = write(bytes, policy.version());
        try {
            // generators in this JVM take these bytes instead of reading and hashing the file again
            io.tessera.jobs.generation.VerifiedWeights.remember(file, bytes, sha256);
        } catch (IOException e) {
            // they will read the file
        }
        return b.setWeights(null).setUri(file.toUri().toString()).build();
    }

    private Path write(byte[] bytes, long version) {
        Path file = dir.resolve(policyName + "-v" + version + ".bin").toAbsolutePath();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, policyName + "-v" + version, ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write policy weights to " + file, e);
        }
        written.remove(file);
        written.addLast(file);
        while (written.size() > keep) {
            try {
                Files.deleteIfExists(written.removeFirst());
            } catch (IOException e) {
                // a generator may still be reading it; it is retried never, and harmless to leave
            }
        }
        return file;
    }
}
