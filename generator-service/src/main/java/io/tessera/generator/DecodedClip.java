package io.tessera.generator;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Generated tokens decoded back to media.
 *
 * @param frames 64x64 RGB frames, one per complete generated frame (empty for video-to-audio)
 * @param audio  16 kHz mono PCM, 2000 samples per generated audio token
 */
public record DecodedClip(List<BufferedImage> frames, float[] audio) {
    public DecodedClip {
        frames = List.copyOf(frames);
    }
}
