package io.tessera.generator;

import io.tessera.generator.engine.EngineConfig;
import io.tessera.generator.engine.GenerationEngine;
import io.tessera.generator.engine.SampleRequest;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.model.Policy;
import io.tessera.records.Task;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/** The generator facade: tokenizers, layout and policy of one model, and the requests its engine runs. */
public final class Generator implements AutoCloseable {

    private Generator() {}

    /** The shipped model if present, else the real architecture with random weights (logs a WARN). */
    public static Generator loadDefault() {
        throw new UnsupportedOperationException("being built");
    }

    public static Generator load(Path modelDir) {
        throw new UnsupportedOperationException("being built");
    }

    /** Identity of config + tokenizers, stamped on records. */
    public String modelId() {
        throw new UnsupportedOperationException("being built");
    }

    public Policy policy() {
        throw new UnsupportedOperationException("being built");
    }

    public GenerationEngine newEngine(EngineConfig cfg) {
        throw new UnsupportedOperationException("being built");
    }

    public ClipLayout layout() {
        throw new UnsupportedOperationException("being built");
    }

    /** Builds the engine request: task token, text bytes, conditioning media tokens, grammar, CFG prefix. */
    public SampleRequest sampleRequest(String sampleId, Task task, String prompt,
            List<BufferedImage> conditioningFrames, float[] conditioningAudio16k,
            int framesToGenerate, SamplingConfig sampling, long arrivedAtNanos) {
        throw new UnsupportedOperationException("being built");
    }

    /** One frame's video tokens -> 64x64 RGB. */
    public BufferedImage decodeFrame(int[] videoTokens) {
        throw new UnsupportedOperationException("being built");
    }

    /** Audio tokens -> 16 kHz mono PCM. */
    public float[] decodeAudio(int[] audioTokens) {
        throw new UnsupportedOperationException("being built");
    }

    @Override
    public void close() {}
}
