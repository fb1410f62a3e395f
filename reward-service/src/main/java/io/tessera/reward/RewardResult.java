package io.tessera.reward;

import java.util.Map;

/**
 * One clip's reward.
 *
 * @param total         weighted mean of the applicable scorers' headlines, in [0, 1]
 * @param components    every component of every scorer that ran (headlines and their parts), each in [0, 1]
 * @param scorerVersion the scorers' versions and weights that made this total
 * @param details       per scorer, what it saw (for people, never parsed)
 */
public record RewardResult(double total, Map<String, Double> components, String scorerVersion,
        Map<String, String> details) {

    public RewardResult {
        components = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(components));
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }
}
