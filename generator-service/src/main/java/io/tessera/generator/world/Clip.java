package io.tessera.generator.world;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A rendered clip: frames, audio, prompt and per-frame ground truth.
 *
 * @param spec   what was rendered
 * @param frames {@code spec.frames()} images of {@link World#SIZE}^2 RGB
 * @param audio  mono PCM at {@link World#SAMPLE_RATE}, {@link World#SAMPLES_PER_FRAME} per frame
 * @param prompt the describing text
 * @param truth  per frame, per object (in {@code spec.objects()} order) ground truth
 */
public record Clip(ClipSpec spec, List<BufferedImage> frames, float[] audio, String prompt,
        List<List<ObjectState>> truth) {

    public Clip {
        frames = List.copyOf(frames);
        truth = List.copyOf(truth);
    }

    /** Frames in which at least one object bounced off a wall (a click sounds there). */
    public List<Integer> bounceFrames() {
        List<Integer> out = new ArrayList<>();
        for (int f = 0; f < truth.size(); f++) {
            if (truth.get(f).stream().anyMatch(ObjectState::bounced)) {
                out.add(f);
            }
        }
        return out;
    }
}
