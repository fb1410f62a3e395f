package io.tessera.ingest.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys a running gateway accepts: a hashed keys file, re-read when its modification time or size changes
 * (looked at no more than once a second), plus fixed keys (those of {@value ApiKeys#ENV_KEYS}). A file that turns
 * malformed keeps the last good keys and logs the problem (never a key).
 */
public final class KeyRing {

    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
    private static final long CHECK_INTERVAL_NS = 1_000_000_000L;

    private final Path file;
    private final ApiKeys fixed;
    private volatile ApiKeys current;
    private FileTime loadedTime;
    private long loadedSize = -1;
    private long checkedAt;

    /** Keys of {@code file} (null: none) plus those of {@value ApiKeys#ENV_KEYS} in {@code env}. Fails fast. */
    public KeyRing(Path file, Map<String, String> env) {
        this.file = file;
        this.fixed = ApiKeys.load(null, env);
        this.current = fixed;
        if (file != null) {
            reload(true);
        }
        this.checkedAt = System.nanoTime();
    }

    /** The presented key's tenant, if it is known. */
    public Optional<String> tenantOf(String presentedKey) {
        if (file != null) {
            maybeReload();
        }
        return current.tenantOf(presentedKey);
    }

    /** How many keys are known now. */
    public int size() {
        return current.size();
    }

    private synchronized void maybeReload() {
        long now = System.nanoTime();
        if (now - checkedAt < CHECK_INTERVAL_NS) {
            return;
        }
        checkedAt = now;
        reload(false);
    }

    private synchronized void reload(boolean failFast) {
        try {
            FileTime time = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            long size = time == null ? -1 : Files.size(file);
            if (loadedSize == size && java.util.Objects.equals(time, loadedTime) && current != fixed) {
                return;
            }
            ApiKeys fromFile = ApiKeys.fromFile(file);
            current = fromFile.plus(fixed);
            loadedTime = time;
            loadedSize = size;
            LOG.info("API keys: {} from {}, {} from {}", fromFile.size(), file, fixed.size(), ApiKeys.ENV_KEYS);
        } catch (IOException | RuntimeException e) {
            if (failFast) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
            }
            LOG.warn("cannot reload API keys from {} (keeping the {} known): {}", file, current.size(),
                    e.getMessage());
        }
    }
}
