package io.tessera.generator.engine;

import java.util.Arrays;

/**
 * Which token ids may be sampled at each generated position, as plain data (so it can live in
 * checkpointed state). Position {@code p} of the generated sequence may only take ids in
 * {@code [lo[p % period], hi[p % period])}; all other logits are masked before sampling.
 * The layout of the shared vocabulary (see {@code io.tessera.generator.tokenize}) builds these.
 *
 * @param lo inclusive lower id bound per position in the period
 * @param hi exclusive upper id bound per position in the period
 */
public record TokenGrammar(int[] lo, int[] hi) {

    public TokenGrammar {
        if (lo.length == 0 || lo.length != hi.length) {
            throw new IllegalArgumentException("lo and hi must be non-empty and of equal length");
        }
        for (int i = 0; i < lo.length; i++) {
            if (lo[i] < 0 || hi[i] <= lo[i]) {
                throw new IllegalArgumentException("empty range at " + i + ": [" + lo[i] + ", " + hi[i] + ")");
            }
        }
        lo = lo.clone();
        hi = hi.clone();
    }

    /** Any id in {@code [0, vocabSize)} at every position. */
    public static TokenGrammar unconstrained(int vocabSize) {
        return new TokenGrammar(new int[] {0}, new int[] {vocabSize});
    }

    public int period() {
        return lo.length;
    }

    public int lowerBound(int position) {
        return lo[position % lo.length];
    }

    public int upperBound(int position) {
        return hi[position % hi.length];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenGrammar g && Arrays.equals(lo, g.lo) && Arrays.equals(hi, g.hi);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(lo) + Arrays.hashCode(hi);
    }

    @Override
    public String toString() {
        return "TokenGrammar[period=" + lo.length + "]";
    }
}
