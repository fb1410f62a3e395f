package io.tessera.generator.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The transformer's parameters, a plain holder in llama2.c style. Shapes use the {@link ModelConfig}
 * names; matrices are stored (in, out) so a layer is {@code x.matMul(w)}. Embeddings are untied: the
 * output projection has its own matrix (a small cost at this vocabulary size, and one fewer transpose
 * per decode step).
 */
final class Weights {
    final NDArray tokenEmbedding; // (vocabSize, dim)
    final NDArray[] attnNorm;     // per layer: (dim)                 RMSNorm gain before attention
    final NDArray[] wqkv;         // per layer: (dim, 3 * dim)        query | key | value, heads-major inside each
    final NDArray[] wo;           // per layer: (dim, dim)            attention output projection
    final NDArray[] ffnNorm;      // per layer: (dim)                 RMSNorm gain before the MLP
    final NDArray[] w13;          // per layer: (dim, 2 * ffnHidden)  SwiGLU gate | up
    final NDArray[] w2;           // per layer: (ffnHidden, dim)      SwiGLU down
    final NDArray finalNorm;      // (dim)
    final NDArray output;         // (dim, vocabSize)                 untied classifier

    private Weights(NDArray tokenEmbedding, NDArray[] attnNorm, NDArray[] wqkv, NDArray[] wo, NDArray[] ffnNorm,
            NDArray[] w13, NDArray[] w2, NDArray finalNorm, NDArray output) {
        this.tokenEmbedding = tokenEmbedding;
        this.attnNorm = attnNorm;
        this.wqkv = wqkv;
        this.wo = wo;
        this.ffnNorm = ffnNorm;
        this.w13 = w13;
        this.w2 = w2;
        this.finalNorm = finalNorm;
        this.output = output;
    }

    /** Names in serialisation order; {@link #all()} returns the arrays in the same order. */
    static List<String> names(ModelConfig c) {
        List<String> n = new ArrayList<>();
        n.add("tok_embedding");
        for (int l = 0; l < c.layers(); l++) {
            n.add("layers." + l + ".attn_norm");
            n.add("layers." + l + ".wqkv");
            n.add("layers." + l + ".wo");
            n.add("layers." + l + ".ffn_norm");
            n.add("layers." + l + ".w13");
            n.add("layers." + l + ".w2");
        }
        n.add("final_norm");
        n.add("output");
        return n;
    }

    static List<Shape> shapes(ModelConfig c) {
        List<Shape> s = new ArrayList<>();
        s.add(new Shape(c.vocabSize(), c.dim()));
        for (int l = 0; l < c.layers(); l++) {
            s.add(new Shape(c.dim()));
            s.add(new Shape(c.dim(), 3L * c.dim()));
            s.add(new Shape(c.dim(), c.dim()));
            s.add(new Shape(c.dim()));
            s.add(new Shape(c.dim(), 2L * c.ffnHidden()));
            s.add(new Shape(c.ffnHidden(), c.dim()));
        }
        s.add(new Shape(c.dim()));
        s.add(new Shape(c.dim(), c.vocabSize()));
        return s;
    }

    List<NDArray> all() {
        List<NDArray> a = new ArrayList<>();
        a.add(tokenEmbedding);
        for (int l = 0; l < attnNorm.length; l++) {
            a.add(attnNorm[l]);
            a.add(wqkv[l]);
            a.add(wo[l]);
            a.add(ffnNorm[l]);
            a.add(w13[l]);
            a.add(w2[l]);
        }
        a.add(finalNorm);
        a.add(output);
        return a;
    }

    /** Builds from arrays in {@link #names} order. */
    static Weights of(ModelConfig c, List<NDArray> a) {
        int L = c.layers();
        NDArray[] an = new NDArray[L], qkv = new NDArray[L], o = new NDArray[L], fn = new NDArray[L],
                w13 = new NDArray[L], w2 = new NDArray[L];
        int i = 1;
        for (int l = 0; l < L; l++) {
            an[l] = a.get(i++);
            qkv[l] = a.get(i++);
            o[l] = a.get(i++);
            fn[l] = a.get(i++);
            w13[l] = a.get(i++);
            w2[l] = a.get(i++);
        }
        return new Weights(a.get(0), an, qkv, o, fn, w13, w2, a.get(i), a.get(i + 1));
    }

    /**
     * GPT-2 style init from a seeded Java stream (so the same seed gives the same weights on any
     * device): N(0, 0.02) everywhere, residual projections (wo, w2) scaled by 1/sqrt(2 * layers), norm
     * gains 1.
     */
    static Weights random(ModelConfig c, long seed, NDManager manager) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> names = names(c);
        List<Shape> shapes = shapes(c);
        List<NDArray> arrays = new ArrayList<>(names.size());
        float residualStd = (float) (0.02 / Math.sqrt(2.0 * c.layers()));
        for (int k = 0; k < names.size(); k++) {
            String name = names.get(k);
            Shape shape = shapes.get(k);
            float[] data = new float[Math.toIntExact(shape.size())];
            if (name.endsWith("norm")) {
                java.util.Arrays.fill(data, 1f);
            } else {
                float std = name.endsWith(".wo") || name.endsWith(".w2") ? residualStd : 0.02f;
                for (int j = 0; j < data.length; j++) {
                    data[j] = (float) (gaussian(rnd) * std);
                }
            }
            NDArray arr = manager.create(data, shape);
            arr.setName(name);
            arrays.add(arr);
        }
        return of(c, arrays);
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller on the deterministic stream (java.util.Random's nextGaussian has hidden state).
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
