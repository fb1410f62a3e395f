package io.tessera.generator.rl;

/**
 * One DPO example: two samples of the same prompt, {@code chosen} preferred over {@code rejected}.
 *
 * @param prefix   the conditioning tokens both samples were generated from (non-empty)
 * @param chosen   the preferred sample's generated tokens (y_w)
 * @param rejected the other sample's generated tokens (y_l)
 */
public record PreferencePair(int[] prefix, int[] chosen, int[] rejected) {

    public PreferencePair {
        if (prefix == null || prefix.length == 0) {
            throw new IllegalArgumentException("a preference pair needs a non-empty prefix");
        }
        if (chosen == null || rejected == null || chosen.length == 0 || rejected.length == 0) {
            throw new IllegalArgumentException("a preference pair needs two non-empty samples");
        }
        prefix = prefix.clone();
        chosen = chosen.clone();
        rejected = rejected.clone();
    }
}
