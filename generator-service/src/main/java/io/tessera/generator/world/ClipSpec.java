package io.tessera.generator.world;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Everything that determines a clip: its objects and its length. {@link #random} draws one
 * deterministically from a seed and a split.
 */
public record ClipSpec(List<WorldObject> objects, int frames, long seed) {

    public ClipSpec {
        objects = List.copyOf(objects);
        if (objects.isEmpty() || objects.size() > 2) {
            throw new IllegalArgumentException("a clip holds one or two objects, got " + objects.size());
        }
        if (objects.size() == 2 && objects.get(0).spec().colour() == objects.get(1).spec().colour()) {
            throw new IllegalArgumentException("two objects of one clip must differ in colour");
        }
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be >= 1, got " + frames);
        }
    }

    /** The prompt that describes this clip: object phrases joined by " and ". */
    public String prompt() {
        StringBuilder sb = new StringBuilder();
        for (WorldObject o : objects) {
            if (sb.length() > 0) {
                sb.append(" and ");
            }
            sb.append(o.spec().phrase());
        }
        return sb.toString();
    }

    /** Attempts at placing a second object that never overlaps the first before settling for one object. */
    static final int MAX_ATTEMPTS = 200;

    /** Whether two object boxes, grown by {@link World#GAP}, ever intersect during the clip. */
    public boolean overlaps() {
        if (objects.size() < 2) {
            return false;
        }
        List<List<ObjectState>> truth = ClipRenderer.trajectory(this);
        for (List<ObjectState> frame : truth) {
            ObjectState a = frame.get(0);
            ObjectState b = frame.get(1);
            int reach = World.OBJECT_SIZE + World.GAP;
            if (Math.abs(a.x() - b.x()) < reach && Math.abs(a.y() - b.y()) < reach) {
                return true;
            }
        }
        return false;
    }

    /** A clip of the default length. */
    public static ClipSpec random(long seed, Split split) {
        return random(seed, split, World.DEFAULT_FRAMES);
    }

    /**
     * Draws a clip: one object (half the time) or two of different colours. In {@link Split#TRAIN}
     * every object's combination is outside the held-out list; in {@link Split#HELD_OUT} the first
     * object's combination is held out and the second (if any) is a training one.
     */
    public static ClipSpec random(long seed, Split split, int frames) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + split.ordinal());
        List<ObjectSpec> train = HeldOut.combinations(Split.TRAIN);
        List<ObjectSpec> first = split == Split.TRAIN ? train : HeldOut.combinations(Split.HELD_OUT);
        List<WorldObject> objects = new ArrayList<>();
        objects.add(place(first.get(rnd.nextInt(first.size())), rnd));
        if (rnd.nextBoolean()) {
            // redraw the second object until the two never overlap (the world keeps objects apart)
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                ObjectSpec second = train.get(rnd.nextInt(train.size()));
                if (second.colour() == objects.get(0).spec().colour()) {
                    continue;
                }
                ClipSpec two = new ClipSpec(List.of(objects.get(0), place(second, rnd)), frames, seed);
                if (!two.overlaps()) {
                    return two;
                }
            }
        }
        return new ClipSpec(objects, frames, seed);
    }

    /** A start position on the grid from which the first {@link World#FREE_STEPS} steps hit no wall. */
    static WorldObject place(ObjectSpec spec, SplittableRandom rnd) {
        int speed = World.SPEEDS[rnd.nextInt(World.SPEEDS.length)];
        int cells = World.MAX_POS / World.GRID + 1;
        int free = World.FREE_STEPS * speed;
        // along the motion axis, keep `free` pixels between the box and the wall it moves towards
        int alongCells = (World.MAX_POS - free) / World.GRID + 1;
        int along = rnd.nextInt(alongCells) * World.GRID;
        int sign = spec.motion().dx() + spec.motion().dy();
        if (sign < 0) {
            along += free;
        }
        int across = rnd.nextInt(cells) * World.GRID;
        return spec.motion().horizontal()
                ? new WorldObject(spec, along, across, speed)
                : new WorldObject(spec, across, along, speed);
    }
}
