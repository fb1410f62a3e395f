package io.tessera.jobs.generation;

import io.tessera.generator.engine.SamplingConfig;
import io.tessera.jobs.io.RecordValidator;
import io.tessera.records.GenerationRequest;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;

/**
 * The semantic checks a decoded {@link GenerationRequest} must pass before it reaches the engine. What
 * fails goes to the DLQ with the returned reason.
 */
public final class PromptValidator implements RecordValidator<GenerationRequest> {

    private final int maxFrames;
    private final int maxSamples;

    public PromptValidator(int maxFrames, int maxSamples) {
        this.maxFrames = maxFrames;
        this.maxSamples = maxSamples;
    }

    @Override
    public String problem(GenerationRequest r) {
        if (r.getRequestId() == null || r.getRequestId().isBlank()) {
            return "requestId is empty";
        }
        if (r.getTask() != Task.TEXT_TO_VIDEO) {
            return "task " + r.getTask() + " needs conditioning media, which GenerationJob does not assemble yet"
                    + " (supported: TEXT_TO_VIDEO)";
        }
        if (r.getConditioningFrames() != 0 || r.getConditioningAudioChunks() != 0) {
            return "conditioning media (" + r.getConditioningFrames() + " frames, " + r.getConditioningAudioChunks()
                    + " audio chunks) is not supported yet";
        }
        SamplingParams s = r.getSampling();
        if (s == null) {
            return "sampling is missing";
        }
        if (s.getFrames() < 1 || s.getFrames() > maxFrames) {
            return "sampling.frames must be in [1, " + maxFrames + "], got " + s.getFrames();
        }
        if (s.getSamples() < 1 || s.getSamples() > maxSamples) {
            return "sampling.samples must be in [1, " + maxSamples + "], got " + s.getSamples();
        }
        try {
            new SamplingConfig(s.getTemperature(), s.getTopK(), s.getTopP(), s.getGuidanceScale(), s.getSeed());
        } catch (IllegalArgumentException e) {
            return "sampling." + e.getMessage();
        }
        if (r.getDeadlineMs() != null && r.getDeadlineMs() < System.currentTimeMillis()) {
            return "deadline " + r.getDeadlineMs() + " has passed";
        }
        return null;
    }
}
