package io.tessera.generator.world;

import java.util.List;

/**
 * One object the detector found in a clip: a colour track over frames.
 *
 * @param colour       nearest palette colour of its pixels
 * @param shape        majority of the per-frame shape calls (null if never classified)
 * @param motion       direction of its initial movement (null if it did not move)
 * @param framesSeen   frames in which it was found
 * @param bounceFrames frames at which its movement reversed (it hit a wall)
 */
public record DetectedObject(Colour colour, Shape shape, Motion motion, int framesSeen, List<Integer> bounceFrames) {
    public DetectedObject {
        bounceFrames = List.copyOf(bounceFrames);
    }
}
