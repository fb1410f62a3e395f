package io.tessera.generator.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.tessera.generator.model.ComputeDevice;
import io.tessera.generator.model.Policy;
import io.tessera.generator.model.Transformer;
import io.tessera.generator.sampling.Sampler;
import java.util.Arrays;

/**
 * The slow, obvious oracle for {@link GenerationEngine}: one sample at a time, every token by a full
 * forward over the whole sequence (no KV cache, no batching, no slots). Same finishing rules as the
 * engine: end-of-sequence, {@code maxNewTokens}, or a sequence of {@code maxLen} tokens.
 */
public final class ReferenceGenerator {
    private ReferenceGenerator() {}

    /** Generates one sample to completion; {@code maxLen} is the engine's {@code min(maxSequenceLength, model maxSeqLen)}. */
    public static SampleState generate(Policy policy, SampleRequest request, int maxLen) {
        int vocab = policy.config().vocabSize();
        int eos = policy.config().endOfSequence();
        int[] out = new int[0];
        float[] logprobs = new float[0];
        long[] versions = new long[0];
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int p = 0; p < request.maxNewTokens(); p++) {
                float[] cond = lastLogits(policy, concat(request.prefix(), out));
                boolean guided = request.guidedAt(p);
                float[] uncond = guided ? lastLogits(policy, concat(request.unconditionalPrefix(), out)) : null;
                Sampler.Draw d = Sampler.sample(cond, 0, uncond, 0, vocab, request.sampling(), request.grammar(), p);
                out = append(out, d.token());
                logprobs = Arrays.copyOf(logprobs, p + 1);
                logprobs[p] = d.logprob();
                versions = Arrays.copyOf(versions, p + 1);
                versions[p] = policy.version();
                boolean full = request.prefix().length + out.length >= maxLen
                        || (request.guidedAt(p + 1) && request.unconditionalPrefix().length + out.length >= maxLen);
                if ((eos >= 0 && d.token() == eos) || full) {
                    break;
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        return new SampleState(request, out, logprobs, versions);
    }

    static float[] lastLogits(Policy policy, int[] seq) {
        try (NDManager m = NDManager.newBaseManager(policy.device(), ComputeDevice.ENGINE)) {
            long[] ids = new long[seq.length];
            for (int i = 0; i < seq.length; i++) {
                ids[i] = seq[i];
            }
            NDArray logits = Transformer.forward(policy, m.create(ids, new Shape(1, seq.length)), m);
            return logits.get("0, {}", seq.length - 1).toFloatArray();
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static int[] append(int[] a, int x) {
        int[] r = Arrays.copyOf(a, a.length + 1);
        r[a.length] = x;
        return r;
    }
}
