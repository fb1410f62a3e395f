package io.tessera.generator.world;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link ClipSpec}: moves every object at its steady speed, reflecting it off the walls,
 * draws hard-edged shapes on black, and mixes one tone per object (pitch by shape) plus a decaying
 * noise click from the first sample of every frame in which an object bounced.
 */
public final class ClipRenderer {

    private ClipRenderer() {}

    public static Clip render(ClipSpec spec) {
        List<List<ObjectState>> truth = trajectory(spec);
        List<BufferedImage> frames = new ArrayList<>();
        for (List<ObjectState> states : truth) {
            frames.add(drawFrame(spec, states));
        }
        Clip partial = new Clip(spec, frames, new float[0], spec.prompt(), truth);
        float[] audio = mixAudio(spec, partial.bounceFrames());
        return new Clip(spec, frames, audio, spec.prompt(), truth);
    }

    /** Per frame, per object: position, velocity and whether it bounced moving into the frame. */
    static List<List<ObjectState>> trajectory(ClipSpec spec) {
        int n = spec.objects().size();
        int[] x = new int[n];
        int[] y = new int[n];
        int[] vx = new int[n];
        int[] vy = new int[n];
        for (int i = 0; i < n; i++) {
            WorldObject o = spec.objects().get(i);
            x[i] = o.x0();
            y[i] = o.y0();
            vx[i] = o.spec().motion().dx() * o.speed();
            vy[i] = o.spec().motion().dy() * o.speed();
        }
        List<List<ObjectState>> truth = new ArrayList<>();
        for (int f = 0; f < spec.frames(); f++) {
            List<ObjectState> states = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                boolean bounced = false;
                if (f > 0) {
                    int[] px = step(x[i], vx[i]);
                    int[] py = step(y[i], vy[i]);
                    bounced = px[2] != 0 || py[2] != 0;
                    x[i] = px[0];
                    vx[i] = px[1];
                    y[i] = py[0];
                    vy[i] = py[1];
                }
                states.add(new ObjectState(x[i], y[i], vx[i], vy[i], bounced));
            }
            truth.add(List.copyOf(states));
        }
        return truth;
    }

    /** One move along one axis: {position, velocity, 1 if it bounced}. */
    static int[] step(int pos, int v) {
        int p = pos + v;
        if (p < 0) {
            return new int[] {-p, -v, 1};
        }
        if (p > World.MAX_POS) {
            return new int[] {2 * World.MAX_POS - p, -v, 1};
        }
        return new int[] {p, v, 0};
    }

    static BufferedImage drawFrame(ClipSpec spec, List<ObjectState> states) {
        BufferedImage img = new BufferedImage(World.SIZE, World.SIZE, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < states.size(); i++) {
            ObjectState s = states.get(i);
            ObjectSpec o = spec.objects().get(i).spec();
            for (int dy = 0; dy < World.OBJECT_SIZE; dy++) {
                for (int dx = 0; dx < World.OBJECT_SIZE; dx++) {
                    if (inside(o.shape(), dx, dy)) {
                        img.setRGB(s.x() + dx, s.y() + dy, o.colour().rgb());
                    }
                }
            }
        }
        return img;
    }

    /** Whether pixel (dx, dy) of an object box belongs to the shape (tested at the pixel centre). */
    public static boolean inside(Shape shape, int dx, int dy) {
        double half = World.OBJECT_SIZE / 2.0;
        double px = dx + 0.5;
        double py = dy + 0.5;
        return switch (shape) {
            case SQUARE -> true;
            case CIRCLE -> (px - half) * (px - half) + (py - half) * (py - half) <= half * half;
            // apex at the top centre, base along the bottom edge
            case TRIANGLE -> Math.abs(px - half) <= py / 2.0;
        };
    }

    static float[] mixAudio(ClipSpec spec, List<Integer> bounceFrames) {
        float[] audio = new float[spec.frames() * World.SAMPLES_PER_FRAME];
        for (WorldObject o : spec.objects()) {
            double w = 2 * Math.PI * o.spec().shape().toneHz() / World.SAMPLE_RATE;
            for (int t = 0; t < audio.length; t++) {
                audio[t] += (float) (World.TONE_AMPLITUDE * Math.sin(w * t));
            }
        }
        float[] click = AudioAnalysis.unitClick();
        for (int f : bounceFrames) {
            int start = f * World.SAMPLES_PER_FRAME;
            for (int k = 0; k < click.length; k++) {
                audio[start + k] += World.CLICK_AMPLITUDE * click[k];
            }
        }
        return audio;
    }
}
