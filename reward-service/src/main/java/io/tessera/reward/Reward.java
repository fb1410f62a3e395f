package io.tessera.reward;

import io.tessera.reward.learned.LearnedAdherenceScorer;
import io.tessera.reward.score.AudioVisualSyncScorer;
import io.tessera.reward.score.PromptAdherenceScorer;
import io.tessera.reward.score.Score;
import io.tessera.reward.score.Scorer;
import io.tessera.reward.score.ScoringException;
import io.tessera.reward.score.ScoringInput;
import io.tessera.reward.score.TemporalConsistencyScorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A reward: a weighted sum of named scorer headlines (see {@link RewardConfig}). Holds the scorers;
 * {@link #close()} frees the learned scorer's network when it was loaded. Thread-compatible: use one
 * instance per thread (a Flink subtask, an HTTP handler under a lock).
 */
public final class Reward implements AutoCloseable {
    /** Bumped when the way components combine changes. */
    static final String COMBINER_VERSION = "reward-1";

    /** A scorer and its weight. */
    public record Weighted(Scorer scorer, double weight) {
        public Weighted {
            Objects.requireNonNull(scorer, "scorer");
            if (!(weight >= 0)) {
                throw new IllegalArgumentException("weight of " + scorer.name() + " must be >= 0, got " + weight);
            }
        }
    }

    private final List<Weighted> scorers;
    private final String version;
    private final AutoCloseable owned;

    /** The reward over any scorers (e.g. tests, other worlds). */
    public Reward(List<Weighted> scorers) {
        this(scorers, null);
    }

    private Reward(List<Weighted> scorers, AutoCloseable owned) {
        if (scorers.isEmpty() || scorers.stream().allMatch(w -> w.weight() == 0)) {
            throw new IllegalArgumentException("a reward needs at least one scorer with a weight above 0");
        }
        this.scorers = List.copyOf(scorers);
        this.owned = owned;
        StringBuilder v = new StringBuilder(COMBINER_VERSION).append('[');
        for (int i = 0; i < this.scorers.size(); i++) {
            Weighted w = this.scorers.get(i);
            v.append(i == 0 ? "" : ",").append(w.scorer().version()).append('*')
                    .append(String.format(Locale.ROOT, "%.3g", w.weight()));
        }
        this.version = v.append(']').toString();
    }

    /** The world's scorers with the configured weights; the learned scorer is loaded only when weighted. */
    public static Reward of(RewardConfig config) {
        List<Weighted> list = new ArrayList<>();
        list.add(new Weighted(new PromptAdherenceScorer(), config.adherence()));
        list.add(new Weighted(new TemporalConsistencyScorer(), config.temporal()));
        list.add(new Weighted(new AudioVisualSyncScorer(), config.avSync()));
        LearnedAdherenceScorer learned = null;
        if (config.learned() > 0) {
            learned = LearnedAdherenceScorer.loadDefault();
            list.add(new Weighted(learned, config.learned()));
        }
        return new Reward(list, learned);
    }

    /** Scorer versions and weights, e.g. {@code reward-1[adherence-1*0.6,temporal-1*0.2,av_sync-1*0.2]}. */
    public String version() {
        return version;
    }

    /**
     * Scores a clip with every scorer.
     *
     * @throws ScoringException when the clip cannot be scored (the message says why)
     */
    public RewardResult score(ScoringInput input) {
        Map<String, Double> components = new LinkedHashMap<>();
        Map<String, String> details = new LinkedHashMap<>();
        double sum = 0;
        double weights = 0;
        for (Weighted w : scorers) {
            Score s = w.scorer().score(input);
            components.putAll(s.components());
            details.put(w.scorer().name(), s.details());
            if (s.applies() && w.weight() > 0) {
                sum += w.weight() * s.value();
                weights += w.weight();
            }
        }
        if (weights == 0) {
            throw new ScoringException("no weighted scorer applies to this clip: " + details);
        }
        return new RewardResult(Math.max(0, Math.min(1, sum / weights)), components, version, details);
    }

    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close " + owned, e);
            }
        }
    }
}
