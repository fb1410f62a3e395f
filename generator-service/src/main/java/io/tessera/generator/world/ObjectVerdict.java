package io.tessera.generator.world;

/**
 * What the prompt asked for one object against what the detector matched to it.
 *
 * @param expected the prompt's object
 * @param found    the detected object matched to it, or null when none was left
 */
public record ObjectVerdict(ObjectSpec expected, DetectedObject found) {

    public boolean colourOk() {
        return found != null && found.colour() == expected.colour();
    }

    public boolean shapeOk() {
        return found != null && found.shape() == expected.shape();
    }

    public boolean motionOk() {
        return found != null && found.motion() == expected.motion();
    }

    /** Attributes confirmed, of 3. */
    public int confirmed() {
        return (colourOk() ? 1 : 0) + (shapeOk() ? 1 : 0) + (motionOk() ? 1 : 0);
    }
}
