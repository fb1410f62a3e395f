package io.tessera.generator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTest {
    @TempDir
    Path dir;

    @Test
    void randomInitIsDeterministicInTheSeed() {
        try (Policy a = Policy.randomInit(TinyModels.TINY, 9); Policy b = Policy.randomInit(TinyModels.TINY, 9);
                Policy c = Policy.randomInit(TinyModels.TINY, 10)) {
            assertThat(a.toBytes()).isEqualTo(b.toBytes());
            assertThat(a.toBytes()).isNotEqualTo(c.toBytes());
            assertThat(a.parameters()).hasSize(a.parameterNames().size());
            long count = a.parameters().stream().mapToLong(x -> x.getShape().size()).sum();
            assertThat(count).isEqualTo(TinyModels.TINY.parameterCount());
        }
    }

    @Test
    void saveLoadRoundTripsWeightsAndVersion() {
        try (Policy a = Policy.randomInit(TinyModels.TINY, 5); Policy v7 = a.withVersion(7)) {
            v7.save(dir);
            try (Policy b = Policy.load(dir, TinyModels.TINY)) {
                assertThat(b.version()).isEqualTo(7);
                assertThat(b.config()).isEqualTo(TinyModels.TINY);
                assertThat(b.toBytes()).isEqualTo(a.toBytes());
            }
        }
    }

    @Test
    void loadFailsClearlyOnChecksumMismatch() throws Exception {
        try (Policy a = Policy.randomInit(TinyModels.TINY, 5)) {
            a.save(dir);
        }
        byte[] w = Files.readAllBytes(dir.resolve(Policy.WEIGHTS_FILE));
        w[w.length - 3] ^= 0x40;
        Files.write(dir.resolve(Policy.WEIGHTS_FILE), w);
        assertThatThrownBy(() -> Policy.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("checksum mismatch");
    }

    @Test
    void loadFailsClearlyOnConfigMismatch() {
        try (Policy a = Policy.randomInit(TinyModels.TINY, 5)) {
            a.save(dir);
        }
        ModelConfig other = new ModelConfig(300, 32, 3, 4, 64, 96, 10_000f, -1);
        assertThatThrownBy(() -> Policy.load(dir, other)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("was expected");
    }

    @Test
    void bytesForAnotherConfigAreRefused() {
        try (Policy a = Policy.randomInit(TinyModels.TINY, 5)) {
            byte[] bytes = a.toBytes();
            ModelConfig other = new ModelConfig(300, 32, 2, 4, 64, 128, 10_000f, -1);
            assertThatThrownBy(() -> Policy.fromBytes(bytes, other)).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("made for model config " + TinyModels.TINY.id());
            assertThatThrownBy(() -> Policy.fromBytes(java.util.Arrays.copyOf(bytes, 100), TinyModels.TINY))
                    .isInstanceOf(ModelFormatException.class).hasMessageContaining("truncated");
            try (Policy b = Policy.fromBytes(bytes, TinyModels.TINY)) {
                assertThat(Policy.sha256(b.toBytes())).isEqualTo(Policy.sha256(bytes));
            }
        }
    }

    @Test
    void copyIsIndependentAndWithVersionSharesUntilLastClose() {
        Policy a = Policy.randomInit(TinyModels.TINY, 5);
        Policy shared = a.withVersion(3);
        try (Policy copy = a.copy()) {
            List<NDArray> ps = copy.parameters();
            ps.get(0).subi(1f);
            assertThat(copy.toBytes()).isNotEqualTo(a.toBytes());
            a.close();
            assertThat(shared.toBytes()).hasSizeGreaterThan(0); // still open: shared weights survive
            assertThatThrownBy(a::toBytes).isInstanceOf(IllegalStateException.class);
            shared.close();
        }
    }

    @Test
    void configValidationNamesTheKey() {
        assertThatThrownBy(() -> new ModelConfig(300, 30, 2, 4, 64, 96, 10_000f, -1))
                .hasMessageContaining("ModelConfig.heads");
        assertThat(ModelConfig.defaults(2400, 0).id()).isEqualTo(ModelConfig.defaults(2400, 0).id())
                .isNotEqualTo(ModelConfig.defaults(2401, 0).id());
    }
}
