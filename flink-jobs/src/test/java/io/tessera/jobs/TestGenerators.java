package io.tessera.jobs;

import io.tessera.generator.Generator;
import io.tessera.generator.model.ModelConfig;
import io.tessera.generator.model.Policy;
import io.tessera.generator.tokenize.Special;
import io.tessera.generator.tokenize.Tokenizers;

/**
 * The generator the tests run: the shipped tokenizers and the real transformer architecture, shrunk to a
 * tiny random-init width so a clip generates in milliseconds. Same code path as the default model.
 */
public final class TestGenerators {

    /** d=32, 1 layer, 2 heads: small enough that every test runs in seconds. */
    static final int DIM = 32;
    static final long SEED = 17L;

    private TestGenerators() {}

    public static GeneratorLoader loader() {
        return TestGenerators::tiny;
    }

    /** Tokenizers are read-only data; loading them once per test JVM saves a second per operator. */
    private static Tokenizers tokenizers;

    private static synchronized Tokenizers tokenizers() {
        if (tokenizers == null) {
            tokenizers = Tokenizers.loadDefault();
        }
        return tokenizers;
    }

    static Generator tiny() {
        Tokenizers tokenizers = tokenizers();
        ModelConfig config = new ModelConfig(tokenizers.vocabulary().size(), DIM, 1, 2, 2 * DIM,
                ModelConfig.DEFAULT_MAX_SEQ_LEN, ModelConfig.DEFAULT_ROPE_THETA,
                tokenizers.vocabulary().id(Special.EOS));
        return new Generator(tokenizers, Policy.randomInit(config, SEED));
    }
}
