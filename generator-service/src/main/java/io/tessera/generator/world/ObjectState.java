package io.tessera.generator.world;

/**
 * Ground truth of one object in one frame.
 *
 * @param x       top-left column of the object's box
 * @param y       top-left row of the object's box
 * @param vx      signed velocity after this frame's move (pixels per frame)
 * @param vy      signed velocity after this frame's move
 * @param bounced true when the object hit a wall while moving into this frame
 */
public record ObjectState(int x, int y, int vx, int vy, boolean bounced) {

    public double centreX() {
        return x + World.OBJECT_SIZE / 2.0;
    }

    public double centreY() {
        return y + World.OBJECT_SIZE / 2.0;
    }
}
