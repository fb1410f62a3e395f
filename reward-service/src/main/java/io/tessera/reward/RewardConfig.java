package io.tessera.reward;

import io.tessera.reward.learned.LearnedAdherenceScorer;
import io.tessera.reward.score.AudioVisualSyncScorer;
import io.tessera.reward.score.PromptAdherenceScorer;
import io.tessera.reward.score.TemporalConsistencyScorer;
import java.io.Serializable;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reward's weights: total = sum over scorers of weight x headline component, divided by the sum of
 * the weights of the scorers that applied (so the total stays in [0, 1] when, say, a clip has no audio).
 * Every key is declared once in {@link #OPTIONS}; the constructor validates.
 *
 * @param adherence {@link #ADHERENCE}
 * @param temporal  {@link #TEMPORAL}
 * @param avSync    {@link #AV_SYNC}
 * @param learned   {@link #LEARNED}
 */
public record RewardConfig(double adherence, double temporal, double avSync, double learned) implements Serializable {

    public static final RewardOption ADHERENCE = new RewardOption("weight.adherence", 0.6, 0, 100,
            "Weight of prompt adherence (" + PromptAdherenceScorer.NAME + ": the detector's colour, shape and"
                    + " motion checks against the prompt).");
    public static final RewardOption TEMPORAL = new RewardOption("weight.temporal", 0.2, 0, 100,
            "Weight of temporal consistency (" + TemporalConsistencyScorer.NAME + ": objects persist, do not"
                    + " flicker or teleport).");
    public static final RewardOption AV_SYNC = new RewardOption("weight.av-sync", 0.2, 0, 100,
            "Weight of audio-visual sync (" + AudioVisualSyncScorer.NAME + ": bounce clicks line up with visual"
                    + " bounces); ignored for clips without audio.");
    public static final RewardOption LEARNED = new RewardOption("weight.learned", 0.0, 0, 100,
            "Weight of the learned adherence scorer (" + LearnedAdherenceScorer.NAME + ", a small DJL network);"
                    + " the network is loaded only when this is above 0.");
    public static final List<RewardOption> OPTIONS = List.of(ADHERENCE, TEMPORAL, AV_SYNC, LEARNED);

    public static final RewardConfig DEFAULT = new RewardConfig(ADHERENCE.defaultValue(), TEMPORAL.defaultValue(),
            AV_SYNC.defaultValue(), LEARNED.defaultValue());

    public RewardConfig {
        ADHERENCE.check(adherence);
        TEMPORAL.check(temporal);
        AV_SYNC.check(avSync);
        LEARNED.check(learned);
        if (adherence + temporal + avSync + learned <= 0) {
            throw new IllegalArgumentException("invalid reward weights: at least one of " + OPTIONS.stream()
                    .map(RewardOption::key).toList() + " must be above 0");
        }
    }

    /** Reads the keys of {@link #OPTIONS} from {@code raw}; an unknown key is an error naming the known ones. */
    public static RewardConfig from(Map<String, String> raw) {
        for (String k : raw.keySet()) {
            if (OPTIONS.stream().noneMatch(o -> o.key().equals(k))) {
                throw new IllegalArgumentException("unknown reward option '" + k + "' (known: "
                        + OPTIONS.stream().map(RewardOption::key).toList() + ")");
            }
        }
        return new RewardConfig(ADHERENCE.read(raw), TEMPORAL.read(raw), AV_SYNC.read(raw), LEARNED.read(raw));
    }

    /** {@code --weight.adherence 0.5 ...}: the pairs whose key is a reward option; other pairs are left alone. */
    public static RewardConfig fromArgs(String[] args) {
        Map<String, String> raw = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].startsWith("--")) {
                String key = args[i].substring(2);
                if (OPTIONS.stream().anyMatch(o -> o.key().equals(key))) {
                    raw.put(key, args[++i]);
                }
            }
        }
        return from(raw);
    }

    /** Scorer name -> weight, in the order the reward reports them. */
    public Map<String, Double> weights() {
        Map<String, Double> w = new LinkedHashMap<>();
        w.put(PromptAdherenceScorer.NAME, adherence);
        w.put(TemporalConsistencyScorer.NAME, temporal);
        w.put(AudioVisualSyncScorer.NAME, avSync);
        w.put(LearnedAdherenceScorer.NAME, learned);
        return w;
    }
}
