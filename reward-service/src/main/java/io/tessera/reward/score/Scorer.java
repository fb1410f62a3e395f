package io.tessera.reward.score;

/**
 * One judge of a decoded clip. A scorer is pure (no state between calls) and thread-compatible; it
 * returns named components, each in [0, 1], and says which of them is its headline.
 */
public interface Scorer {

    /** Stable name, also the headline component's name (e.g. {@code adherence}). */
    String name();

    /** Changes whenever the scorer's rules or weights change, so rewards name what made them. */
    String version();

    /**
     * Scores one clip.
     *
     * @throws ScoringException when the input cannot be judged by this scorer (e.g. a prompt it cannot parse)
     */
    Score score(ScoringInput input);
}
