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

    /** {@code condition.max-frames} when none is given. */
    static final int DEFAULT_MAX_CONDITIONING_FRAMES = 64;

    private final int maxFrames;
    private final int maxSamples;
    private final int maxConditioningFrames;

    public PromptValidator(int maxFrames, int maxSamples) {
        this(maxFrames, maxSamples, DEFAULT_MAX_CONDITIONING_FRAMES);
    }

    /**
     * @param maxFrames             {@code max-frames}
     * @param maxSamples            {@code max-samples}
     * @param maxConditioningFrames {@code condition.max-frames}
     */
    public PromptValidator(int maxFrames, int maxSamples, int maxConditioningFrames) {
        this.maxFrames = maxFrames;
        this.maxSamples = maxSamples;
        this.maxConditioningFrames = maxConditioningFrames;
    }

    @Override
    public String problem(GenerationRequest r) {
        if (r.getRequestId() == null || r.getRequestId().isBlank()) {
            return "requestId is empty";
        }
        if (r.getTask() == null) {
            return "task is missing";
        }
        String media = mediaProblem(r);
        if (media != null) {
            return media;
        }
        SamplingParams s = r.getSampling();
        if (s == null) {
            return "sampling is missing";
        }
        // VIDEO_TO_AUDIO generates one audio token per conditioning frame: its sampling.frames is not used.
        if (r.getTask() != Task.VIDEO_TO_AUDIO && (s.getFrames() < 1 || s.getFrames() > maxFrames)) {
            return "sampling.frames must be in [1, " + maxFrames + "], got " + s.getFrames();
        }
        if (s.getSamples() < 1 || s.getSamples() > maxSamples) {
            return "sampling.samples must be in [1, " + maxSamples + "], got " + s.getSamples();
        }
        if (s.getBestOf() < 1) {
            return "sampling.bestOf must be >= 1, got " + s.getBestOf();
        }
        // Best-of-N runs samples x bestOf engine samples: the same bound as plain samples.
        if ((long) s.getSamples() * s.getBestOf() > maxSamples) {
            return "sampling.samples * sampling.bestOf must be <= max-samples " + maxSamples + ", got "
                    + s.getSamples() + " * " + s.getBestOf() + " = " + (long) s.getSamples() * s.getBestOf();
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

    /**
     * What each task must promise on {@code tessera.media.in}: TEXT_TO_VIDEO nothing; IMAGE_TO_VIDEO one frame
     * (the image); VIDEO_CONTINUATION 1..max frames and optionally audio; VIDEO_TO_AUDIO 1..max frames and no
     * audio (it generates the audio).
     */
    private String mediaProblem(GenerationRequest r) {
        int frames = r.getConditioningFrames();
        int audio = r.getConditioningAudioChunks();
        if (frames < 0 || audio < 0) {
            return "conditioningFrames and conditioningAudioChunks must be >= 0, got " + frames + " and " + audio;
        }
        if (frames > maxConditioningFrames || audio > maxConditioningFrames) {
            return "conditioning media (" + frames + " frames, " + audio + " audio chunks) exceeds"
                    + " condition.max-frames " + maxConditioningFrames;
        }
        return switch (r.getTask()) {
            case TEXT_TO_VIDEO -> frames == 0 && audio == 0 ? null
                    : "TEXT_TO_VIDEO takes no conditioning media, but the request promises " + frames + " frames and "
                            + audio + " audio chunks";
            case IMAGE_TO_VIDEO -> frames == 1 && audio == 0 ? null
                    : "IMAGE_TO_VIDEO needs exactly one conditioning frame (the image) and no audio, but the request"
                            + " promises " + frames + " frames and " + audio + " audio chunks";
            case VIDEO_CONTINUATION -> frames >= 1 ? null
                    : "VIDEO_CONTINUATION needs at least one conditioning frame, but the request promises none";
            case VIDEO_TO_AUDIO -> frames >= 1 && audio == 0 ? null
                    : "VIDEO_TO_AUDIO needs at least one conditioning frame and no audio (it generates the audio), but"
                            + " the request promises " + frames + " frames and " + audio + " audio chunks";
        };
    }
}
