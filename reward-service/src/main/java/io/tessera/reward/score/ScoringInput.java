package io.tessera.reward.score;

import io.tessera.generator.world.World;
import io.tessera.records.Task;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * What a scorer sees: the task, the prompt, the decoded frames and (optionally) the audio.
 *
 * @param task   what was generated (scorers may weigh it; all accept every task)
 * @param prompt the prompt the clip should follow
 * @param frames decoded frames in order (any size; the world's are 64x64 RGB); at least one
 * @param audio  mono PCM at {@link World#SAMPLE_RATE}, or null / empty when there is none
 * @param fps    frames per second of {@code frames} (the world's is {@link World#FPS})
 */
public record ScoringInput(Task task, String prompt, List<BufferedImage> frames, float[] audio, int fps) {

    public ScoringInput {
        Objects.requireNonNull(task, "task");
        if (prompt == null || prompt.isBlank()) {
            throw new ScoringException("prompt is empty");
        }
        if (frames == null || frames.isEmpty()) {
            throw new ScoringException("no frames to score");
        }
        frames = List.copyOf(frames);
        if (fps < 1) {
            throw new ScoringException("fps must be >= 1, got " + fps);
        }
        audio = audio == null ? new float[0] : audio;
    }

    /** A clip at the world's frame rate. */
    public static ScoringInput of(Task task, String prompt, List<BufferedImage> frames, float[] audio) {
        return new ScoringInput(task, prompt, frames, audio, World.FPS);
    }

    /** Whether there is at least one frame's worth of audio. */
    public boolean hasAudio() {
        return audio.length >= World.SAMPLE_RATE / fps;
    }
}
