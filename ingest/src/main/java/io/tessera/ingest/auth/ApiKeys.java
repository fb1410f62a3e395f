package io.tessera.ingest.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * API keys mapped to tenants. Keys are held only as SHA-256 hashes: a keys file holds one {@code <sha256hex>
 * <tenant>} per line (blank lines and {@code #} comments allowed), and keys given in plain text (the environment
 * variable {@value #ENV_KEYS}, {@code tenant:key,tenant:key}) are hashed as they are loaded. A lookup hashes the
 * presented key and compares it with every known hash in constant time, so neither a match's position nor a
 * near-miss shows in the timing. Nothing here ever logs or prints a key; {@link #toString()} gives only the count.
 *
 * <p>Clients send {@code Authorization: Bearer <key>} (or {@code X-API-Key: <key>}); see {@link #presented}.
 */
public final class ApiKeys {

    /** Environment variable with plain-text keys for the gateway: {@code tenant:key[,tenant:key...]}. */
    public static final String ENV_KEYS = "TESSERA_API_KEYS";
    /** Environment variable with the key a client sends; wins over {@code <dataDir>/api-key}. */
    public static final String ENV_CLIENT_KEY = "TESSERA_API_KEY";
    /** Tenant of the development key that {@link #developmentKey} creates. */
    public static final String DEV_TENANT = "dev";
    /** File under the data directory with the development key in plain text (mode 0600), for the local CLI. */
    public static final String CLIENT_KEY_FILE = "api-key";
    /** File under the data directory with the hashed keys the gateway accepts. */
    public static final String KEYS_FILE = "api-keys";
    /** Shortest key accepted in plain text (environment). Generated keys have 43 characters. */
    public static final int MIN_KEY_CHARS = 16;
    /** Longest key looked up; a longer presented key is simply unknown. */
    public static final int MAX_KEY_CHARS = 256;

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private record Entry(byte[] hash, String tenant) {}

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** No keys: every lookup fails. */
    public static ApiKeys none() {
        return new ApiKeys(List.of());
    }

    /**
     * The keys of a keys file (hashes) plus those of {@value #ENV_KEYS} in {@code env} (plain text). A missing file
     * counts as empty; a malformed line fails with its line number (never its content beyond the tenant).
     *
     * @param keysFile the hashed keys file, or null for none
     * @param env      the environment to read {@value #ENV_KEYS} from (normally {@code System.getenv()})
     */
    public static ApiKeys load(Path keysFile, Map<String, String> env) {
        List<Entry> all = new ArrayList<>();
        if (keysFile != null) {
            all.addAll(readFile(keysFile));
        }
        String plain = env.get(ENV_KEYS);
        if (plain != null && !plain.isBlank()) {
            all.addAll(parsePlain(plain, ENV_KEYS));
        }
        return new ApiKeys(all);
    }

    /** The keys of a hashed keys file (missing = empty). */
    public static ApiKeys fromFile(Path keysFile) {
        return new ApiKeys(readFile(keysFile));
    }

    /** Keys given in plain text as {@code tenant:key[,tenant:key...]}, hashed now. */
    public static ApiKeys fromPlain(String tenantKeys) {
        return new ApiKeys(parsePlain(tenantKeys, "keys"));
    }

    /** The tenant whose key this is, if any. Constant time in the key's content; never logs it. */
    public Optional<String> tenantOf(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty() || presentedKey.length() > MAX_KEY_CHARS) {
            return Optional.empty();
        }
        byte[] h = sha256(presentedKey);
        String found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.hash, h) & found == null) { // non-short-circuit: scan them all
                found = e.tenant;
            }
        }
        return Optional.ofNullable(found);
    }

    /** How many keys are known. */
    public int size() {
        return entries.size();
    }

    /** These keys followed by {@code other}'s. */
    public ApiKeys plus(ApiKeys other) {
        List<Entry> all = new ArrayList<>(entries);
        all.addAll(other.entries);
        return new ApiKeys(all);
    }

    @Override
    public String toString() {
        return "ApiKeys[" + entries.size() + " keys]";
    }

    /**
     * The key presented on a request: {@code Authorization: Bearer <key>} (scheme case-insensitive), else {@code
     * X-API-Key: <key>}. Empty when neither carries one.
     */
    public static Optional<String> presented(String authorization, String xApiKey) {
        if (authorization != null) {
            String a = authorization.strip();
            if (a.length() > 7 && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String key = a.substring(7).strip();
                if (!key.isEmpty()) {
                    return Optional.of(key);
                }
            }
        }
        if (xApiKey != null && !xApiKey.isBlank()) {
            return Optional.of(xApiKey.strip());
        }
        return Optional.empty();
    }

    /** Lower-case hex SHA-256 of the key's UTF-8 bytes: what a keys file holds. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    /** The line a keys file holds for this key and tenant ({@code <sha256hex> <tenant>}, no newline). */
    public static String fileLine(String key, String tenant) {
        requireTenant(tenant, "tenant");
        return hash(key) + " " + tenant;
    }

    /**
     * The local development key: created once as a random 32-byte URL-safe key in {@code <dataDir>/api-key}
     * (plain text, mode 0600, for the local CLI), with its hash added for tenant {@value #DEV_TENANT} to {@code
     * <dataDir>/api-keys}. Later calls return the same key (and re-add its hash if the keys file lost it).
     */
    public static synchronized String developmentKey(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Path keyFile = dataDir.resolve(CLIENT_KEY_FILE);
            String key;
            if (Files.exists(keyFile)) {
                key = Files.readString(keyFile, StandardCharsets.UTF_8).strip();
                if (key.length() < MIN_KEY_CHARS) {
                    throw new IllegalStateException(keyFile + " does not hold a valid key; delete it to make a new one");
                }
            } else {
                byte[] raw = new byte[32];
                new SecureRandom().nextBytes(raw);
                key = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                if (!writeOwnerOnly(keyFile, key + "\n")) {
                    key = Files.readString(keyFile, StandardCharsets.UTF_8).strip(); // another process won
                }
            }
            Path keysFile = dataDir.resolve(KEYS_FILE);
            if (fromFile(keysFile).tenantOf(key).isEmpty()) {
                if (!Files.exists(keysFile)) {
                    writeOwnerOnly(keysFile, "");
                }
                Files.writeString(keysFile, fileLine(key, DEV_TENANT) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.APPEND);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the development API key under " + dataDir + ": "
                    + e.getMessage(), e);
        }
    }

    /** The key a local client sends: {@value #ENV_CLIENT_KEY} if set, else the content of {@code <dataDir>/api-key}. */
    public static Optional<String> findClientKey(Path dataDir) {
        return findClientKey(dataDir, System.getenv());
    }

    /** {@link #findClientKey(Path)} reading the given environment. */
    public static Optional<String> findClientKey(Path dataDir, Map<String, String> env) {
        String fromEnv = env.get(ENV_CLIENT_KEY);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(fromEnv.strip());
        }
        if (dataDir == null) {
            return Optional.empty();
        }
        Path keyFile = dataDir.resolve(CLIENT_KEY_FILE);
        try {
            if (!Files.isRegularFile(keyFile)) {
                return Optional.empty();
            }
            String key = Files.readString(keyFile, StandardCharsets.UTF_8).strip();
            return key.isEmpty() ? Optional.empty() : Optional.of(key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API key in " + keyFile + ": " + e.getMessage(), e);
        }
    }

    private static List<Entry> readFile(Path keysFile) {
        if (!Files.exists(keysFile)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(keysFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read API keys file " + keysFile + ": " + e.getMessage(), e);
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = keysFile + " line " + (i + 1);
            if (parts.length != 2 || !HASH.matcher(parts[0].toLowerCase()).matches()) {
                throw new IllegalArgumentException(where
                        + ": expected '<sha256 hex of the key> <tenant>' (64 hex digits, a space, a tenant)");
            }
            requireTenant(parts[1], where);
            out.add(new Entry(HexFormat.of().parseHex(parts[0].toLowerCase()), parts[1]));
        }
        return out;
    }

    private static List<Entry> parsePlain(String tenantKeys, String source) {
        List<Entry> out = new ArrayList<>();
        int n = 0;
        for (String item : tenantKeys.split(",")) {
            n++;
            String s = item.strip();
            if (s.isEmpty()) {
                continue;
            }
            int colon = s.indexOf(':');
            String where = source + " entry " + n;
            if (colon <= 0) {
                throw new IllegalArgumentException(where + ": expected tenant:key");
            }
            String tenant = s.substring(0, colon);
            String key = s.substring(colon + 1);
            requireTenant(tenant, where);
            if (key.length() < MIN_KEY_CHARS || key.length() > MAX_KEY_CHARS || !key.equals(key.strip())) {
                throw new IllegalArgumentException(where + " (tenant " + tenant + "): the key must have "
                        + MIN_KEY_CHARS + ".." + MAX_KEY_CHARS + " characters and no surrounding spaces");
            }
            out.add(new Entry(sha256(key), tenant));
        }
        return out;
    }

    private static void requireTenant(String tenant, String where) {
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException(where + ": a tenant is 1..64 characters of letters, digits, '.', '_'"
                    + " or '-', starting with a letter or digit");
        }
    }

    /** Creates {@code file} with mode 0600 and writes it; false (and nothing written) if it already existed. */
    private static boolean writeOwnerOnly(Path file, String content) throws IOException {
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        return true;
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
