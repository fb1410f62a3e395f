package io.tessera.jobs.reward;

import io.tessera.jobs.io.RecordValidator;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationCompleted;

/** What a generation must be before it is worth decoding: identified, finished without error, with tokens and a prompt. */
final class GenerationValidator implements RecordValidator<GenerationCompleted> {
    private static final long serialVersionUID = 1L;

    @Override
    public String problem(GenerationCompleted g) {
        if (g.getRequestId() == null || g.getRequestId().isBlank()) {
            return "requestId is empty";
        }
        if (g.getSampleIndex() < 0) {
            return "sampleIndex " + g.getSampleIndex() + " is negative";
        }
        if (g.getFinishReason() == FinishReason.ERROR) {
            return "generation failed (finishReason ERROR): nothing to score";
        }
        if (g.getTokens() == null || g.getTokens().isEmpty()) {
            return "no generated tokens to score (finishReason " + g.getFinishReason() + ")";
        }
        if (g.getPrompt() == null || g.getPrompt().isBlank()) {
            return "prompt is empty: adherence cannot be scored";
        }
        return null;
    }
}
