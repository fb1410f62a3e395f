package io.tessera.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    static final String ALICE_KEY = "alice-key-0123456789abcdef";
    static final String BOB_KEY = "bob-key-0123456789abcdefgh";

    static Path dir(String name) throws Exception {
        return Files.createDirectories(Path.of("target/tmp/apikeys-" + name + "-" + System.nanoTime()));
    }

    @Test
    void aKeysFileHoldsHashesAndMapsKeysToTenants() throws Exception {
        Path file = dir("file").resolve("api-keys");
        Files.writeString(file, "# team keys\n\n" + ApiKeys.fileLine(ALICE_KEY, "alice") + "\n"
                + ApiKeys.hash(BOB_KEY).toUpperCase() + "   bob\n");
        String content = Files.readString(file);
        assertThat(content).doesNotContain(ALICE_KEY).doesNotContain(BOB_KEY);

        ApiKeys keys = ApiKeys.fromFile(file);
        assertThat(keys.size()).isEqualTo(2);
        assertThat(keys.tenantOf(ALICE_KEY)).hasValue("alice");
        assertThat(keys.tenantOf(BOB_KEY)).hasValue("bob");
        assertThat(keys.tenantOf(ALICE_KEY + "x")).isEmpty();
        assertThat(keys.tenantOf("")).isEmpty();
        assertThat(keys.tenantOf(null)).isEmpty();
        assertThat(keys.tenantOf(ApiKeys.hash(ALICE_KEY))).as("the hash itself is not a key").isEmpty();
        assertThat(keys.toString()).isEqualTo("ApiKeys[2 keys]");
        assertThat(ApiKeys.fromFile(file.resolveSibling("missing"))).extracting(ApiKeys::size).isEqualTo(0);
    }

    @Test
    void environmentKeysAreHashedOnLoadAndAddedToTheFile() throws Exception {
        Path file = dir("env").resolve("api-keys");
        Files.writeString(file, ApiKeys.fileLine(ALICE_KEY, "alice") + "\n");
        ApiKeys keys = ApiKeys.load(file, Map.of(ApiKeys.ENV_KEYS, " bob:" + BOB_KEY + " , ci:" + "c".repeat(20)));
        assertThat(keys.size()).isEqualTo(3);
        assertThat(keys.tenantOf(BOB_KEY)).hasValue("bob");
        assertThat(keys.tenantOf("c".repeat(20))).hasValue("ci");
        assertThat(keys.tenantOf(ALICE_KEY)).hasValue("alice");
        assertThat(ApiKeys.load(null, Map.of()).size()).isZero();
    }

    @Test
    void malformedEntriesFailWithoutShowingTheKey() throws Exception {
        Path file = dir("bad").resolve("api-keys");
        Files.writeString(file, ApiKeys.fileLine(ALICE_KEY, "alice") + "\n" + ALICE_KEY + " alice\n");
        assertThatThrownBy(() -> ApiKeys.fromFile(file)).hasMessageContaining("line 2")
                .hasMessageNotContaining(ALICE_KEY);
        assertThatThrownBy(() -> ApiKeys.fromPlain("alice:short")).hasMessageContaining("16..256")
                .hasMessageNotContaining("short");
        assertThatThrownBy(() -> ApiKeys.fromPlain(ALICE_KEY)).hasMessageContaining("tenant:key")
                .hasMessageNotContaining(ALICE_KEY);
        assertThatThrownBy(() -> ApiKeys.fromPlain("bad tenant:" + ALICE_KEY)).hasMessageContaining("tenant");
        Files.writeString(file, ApiKeys.hash(ALICE_KEY) + " a/b\n");
        assertThatThrownBy(() -> ApiKeys.fromFile(file)).hasMessageContaining("tenant");
    }

    @Test
    void presentedKeysComeFromBearerOrXApiKey() {
        assertThat(ApiKeys.presented("Bearer abc", null)).hasValue("abc");
        assertThat(ApiKeys.presented("bearer   abc  ", null)).hasValue("abc");
        assertThat(ApiKeys.presented(null, "xyz")).hasValue("xyz");
        assertThat(ApiKeys.presented("Basic dXNlcjpwYXNz", "xyz")).hasValue("xyz");
        assertThat(ApiKeys.presented("Basic dXNlcjpwYXNz", null)).isEmpty();
        assertThat(ApiKeys.presented("Bearer ", " ")).isEmpty();
        assertThat(ApiKeys.presented(null, null)).isEmpty();
    }

    @Test
    void theDevelopmentKeyIsCreatedOnceOwnerOnlyAndAccepted() throws Exception {
        Path data = dir("dev");
        String key = ApiKeys.developmentKey(data);
        assertThat(key).matches("[A-Za-z0-9_-]{43}");
        Path keyFile = data.resolve(ApiKeys.CLIENT_KEY_FILE);
        assertThat(Files.readString(keyFile, StandardCharsets.UTF_8).strip()).isEqualTo(key);
        if (keyFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        }
        Path keysFile = data.resolve(ApiKeys.KEYS_FILE);
        assertThat(Files.readString(keysFile)).doesNotContain(key).contains(ApiKeys.hash(key) + " dev");
        assertThat(ApiKeys.fromFile(keysFile).tenantOf(key)).hasValue(ApiKeys.DEV_TENANT);

        assertThat(ApiKeys.developmentKey(data)).as("the same key the second time").isEqualTo(key);
        assertThat(Files.readAllLines(keysFile)).hasSize(1);

        // A keys file that lost the dev key gets it back; other tenants' lines stay.
        Files.writeString(keysFile, ApiKeys.fileLine(ALICE_KEY, "alice") + "\n");
        assertThat(ApiKeys.developmentKey(data)).isEqualTo(key);
        ApiKeys keys = ApiKeys.fromFile(keysFile);
        assertThat(keys.tenantOf(key)).hasValue("dev");
        assertThat(keys.tenantOf(ALICE_KEY)).hasValue("alice");
    }

    @Test
    void clientsFindTheKeyInTheEnvironmentFirstThenTheDataDirectory() throws Exception {
        Path data = dir("client");
        assertThat(ApiKeys.findClientKey(data, Map.of())).isEmpty();
        String key = ApiKeys.developmentKey(data);
        assertThat(ApiKeys.findClientKey(data, Map.of())).hasValue(key);
        assertThat(ApiKeys.findClientKey(data, Map.of(ApiKeys.ENV_CLIENT_KEY, "from-env"))).hasValue("from-env");
        assertThat(ApiKeys.findClientKey(null, Map.of())).isEqualTo(Optional.empty());
    }

    @Test
    void theKeyRingPicksUpAChangedFile() throws Exception {
        Path file = dir("ring").resolve("api-keys");
        KeyRing ring = new KeyRing(file, Map.of(ApiKeys.ENV_KEYS, "bob:" + BOB_KEY));
        assertThat(ring.tenantOf(BOB_KEY)).hasValue("bob");
        assertThat(ring.tenantOf(ALICE_KEY)).isEmpty();
        Files.writeString(file, ApiKeys.fileLine(ALICE_KEY, "alice") + "\n");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (ring.tenantOf(ALICE_KEY).isEmpty()) {
            assertThat(System.nanoTime()).as("the ring reloads the file").isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(ring.tenantOf(BOB_KEY)).hasValue("bob");
    }
}
