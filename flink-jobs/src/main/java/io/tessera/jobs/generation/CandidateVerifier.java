package io.tessera.jobs.generation;

import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.records.Task;
import io.tessera.reward.ClipDecoder;
import io.tessera.reward.Reward;
import io.tessera.reward.RewardConfig;
import io.tessera.reward.score.ScoringException;

/**
 * The best-of-N verifier: a candidate's tokens decoded back to a clip with reward-service's {@link ClipDecoder}
 * (the generator's tokenizers) and scored by a {@link Reward} (the same scorers and weights RewardJob uses by
 * default). One per operator subtask, built in {@code open()}; not thread-safe (the task thread only).
 */
final class CandidateVerifier implements AutoCloseable {

    /** A verdict: the reward's total in [0, 1], or the reason the candidate could not be scored. */
    record Verdict(double total, String problem) {
        boolean scored() {
            return problem == null;
        }

        /** The total for choosing: -infinity when unscored. */
        double forChoice() {
            return scored() ? total : Double.NEGATIVE_INFINITY;
        }

        /** The total as {@code GenerationCompleted.verifierScores} records it: -1 when unscored. */
        double forRecord() {
            return scored() ? total : -1.0;
        }
    }

    private final ClipDecoder decoder;
    private final Reward reward;

    CandidateVerifier(Tokenizers tokenizers, RewardConfig config) {
        this.decoder = new ClipDecoder(tokenizers);
        this.reward = Reward.of(config);
    }

    /** The reward's version string (scorers and weights). */
    String version() {
        return reward.version();
    }

    Verdict score(Task task, String prompt, int[] prefix, int[] tokens) {
        try {
            return new Verdict(reward.score(decoder.decode(task, prompt, prefix, tokens)).total(), null);
        } catch (ScoringException e) {
            return new Verdict(Double.NaN, e.getMessage());
        } catch (RuntimeException e) {
            return new Verdict(Double.NaN, DeadLetters.describe(e));
        }
    }

    @Override
    public void close() {
        reward.close();
    }
}
