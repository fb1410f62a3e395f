package io.tessera.generator;

import io.tessera.records.Task;

/**
 * One training sequence: the prefix then the generated part. The loss is taken only on positions
 * {@code >= firstTarget}: predicting {@code tokens[i]} from {@code tokens[0..i)} for every
 * {@code i >= firstTarget}.
 *
 * @param task        the task this sequence teaches
 * @param tokens      prefix + generated tokens
 * @param firstTarget index of the first generated token (= prefix length)
 * @param prompt      the clip's prompt (also when it was dropped for guidance)
 * @param promptDropped whether the text was dropped (classifier-free guidance dropout)
 */
public record TrainingSequence(Task task, int[] tokens, int firstTarget, String prompt, boolean promptDropped) {
    public TrainingSequence {
        if (firstTarget < 1 || firstTarget >= tokens.length) {
            throw new IllegalArgumentException("firstTarget " + firstTarget + " outside [1, " + tokens.length + ")");
        }
    }

    public int length() {
        return tokens.length;
    }
}
