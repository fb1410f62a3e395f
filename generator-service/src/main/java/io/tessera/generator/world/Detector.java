package io.tessera.generator.world;

import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checks a clip (for example a decoded generation) against a prompt, with no access to ground truth.
 *
 * <p>Video: every lit pixel takes its nearest palette colour; per frame and colour the largest
 * 4-connected blob is that colour's object. Shape from the blob's fill of its bounding box (square
 * ~1, circle ~pi/4, triangle ~1/2), majority over frames. Motion: the axis with the larger total
 * centroid travel, and the sign of the first {@value #INITIAL_STEPS} steps along it (the initial
 * movement, before any bounce); a bounce is a reversal along that axis. Audio: tone amplitude at each
 * shape's pitch; a click is a high-band onset at the start of a frame ({@link AudioAnalysis}).
 */
public final class Detector {
    /** A pixel is lit when its brightest channel reaches this. */
    static final int LIT = 96;
    /** Blobs smaller than this share of the frame are noise. */
    static final double MIN_AREA_SHARE = 0.004;
    /** A colour is an object when found in at least this share of the frames. */
    static final double MIN_FRAME_SHARE = 0.5;
    static final double SQUARE_FILL = 0.885;
    static final double CIRCLE_FILL = 0.635;
    static final int INITIAL_STEPS = 3;
    /** Centroid moves below this many pixels count as standing still. */
    static final double STILL = 0.5;

    private Detector() {}

    /** One blob: area, bounding box, centroid. */
    record Blob(int area, int minX, int minY, int maxX, int maxY, double cx, double cy) {
        double fill() {
            return area / (double) ((maxX - minX + 1) * (maxY - minY + 1));
        }

        Shape shape() {
            double f = fill();
            return f >= SQUARE_FILL ? Shape.SQUARE : f >= CIRCLE_FILL ? Shape.CIRCLE : Shape.TRIANGLE;
        }
    }

    public static DetectionReport detect(List<BufferedImage> frames, float[] audio16k, String prompt) {
        return detect(frames, audio16k, PromptParser.parse(prompt));
    }

    public static DetectionReport detect(List<BufferedImage> frames, float[] audio16k, List<ObjectSpec> expected) {
        if (frames == null || frames.isEmpty()) {
            throw new IllegalArgumentException("no frames to examine");
        }
        List<DetectedObject> found = detectObjects(frames);
        List<ObjectVerdict> verdicts = match(expected, found);
        TreeSet<Integer> videoBounces = new TreeSet<>();
        found.forEach(o -> videoBounces.addAll(o.bounceFrames()));
        Map<Shape, Double> tones = new EnumMap<>(Shape.class);
        List<Integer> clicks = new ArrayList<>();
        boolean hasAudio = audio16k != null && audio16k.length >= World.SAMPLES_PER_FRAME;
        if (hasAudio) {
            int n = Math.min(frames.size(), audio16k.length / World.SAMPLES_PER_FRAME);
            for (Shape s : Shape.values()) {
                double sum = 0;
                for (int f = 0; f < n; f++) {
                    sum += AudioAnalysis.toneAmplitude(audio16k, f, s);
                }
                tones.put(s, sum / n);
            }
            for (int f = 0; f < n; f++) {
                if (AudioAnalysis.hasClick(audio16k, f)) {
                    clicks.add(f);
                }
            }
        }
        return new DetectionReport(verdicts, found, tones, clicks, new ArrayList<>(videoBounces), hasAudio);
    }

    /** Each prompt object takes the found object of its colour, else the first unclaimed one. */
    static List<ObjectVerdict> match(List<ObjectSpec> expected, List<DetectedObject> found) {
        List<DetectedObject> free = new ArrayList<>(found);
        List<ObjectVerdict> out = new ArrayList<>();
        DetectedObject[] chosen = new DetectedObject[expected.size()];
        for (int i = 0; i < expected.size(); i++) {
            for (DetectedObject d : free) {
                if (d.colour() == expected.get(i).colour()) {
                    chosen[i] = d;
                    free.remove(d);
                    break;
                }
            }
        }
        for (int i = 0; i < expected.size(); i++) {
            if (chosen[i] == null && !free.isEmpty()) {
                chosen[i] = free.remove(0);
            }
            out.add(new ObjectVerdict(expected.get(i), chosen[i]));
        }
        return out;
    }

    /** Colour tracks present in enough frames, most persistent first. */
    static List<DetectedObject> detectObjects(List<BufferedImage> frames) {
        int n = frames.size();
        Map<Colour, Blob[]> tracks = new EnumMap<>(Colour.class);
        for (int f = 0; f < n; f++) {
            Map<Colour, Blob> blobs = largestBlobs(frames.get(f));
            for (Map.Entry<Colour, Blob> e : blobs.entrySet()) {
                tracks.computeIfAbsent(e.getKey(), c -> new Blob[n])[f] = e.getValue();
            }
        }
        List<DetectedObject> out = new ArrayList<>();
        for (Map.Entry<Colour, Blob[]> e : tracks.entrySet()) {
            Blob[] track = e.getValue();
            int seen = 0;
            int[] votes = new int[Shape.values().length];
            for (Blob b : track) {
                if (b != null) {
                    seen++;
                    votes[b.shape().ordinal()]++;
                }
            }
            if (seen < Math.max(1, MIN_FRAME_SHARE * n)) {
                continue;
            }
            int best = 0;
            for (int s = 1; s < votes.length; s++) {
                if (votes[s] > votes[best]) {
                    best = s;
                }
            }
            List<Integer> bounces = new ArrayList<>();
            Motion motion = motionOf(track, bounces);
            out.add(new DetectedObject(e.getKey(), Shape.values()[best], motion, seen, bounces));
        }
        out.sort((a, b) -> Integer.compare(b.framesSeen(), a.framesSeen()));
        return out;
    }

    /** Initial direction of a centroid track; fills {@code bounces} with the frames where it reversed. */
    static Motion motionOf(Blob[] track, List<Integer> bounces) {
        List<Integer> at = new ArrayList<>();
        for (int f = 0; f < track.length; f++) {
            if (track[f] != null) {
                at.add(f);
            }
        }
        if (at.size() < 2) {
            return null;
        }
        int steps = at.size() - 1;
        double[] dx = new double[steps];
        double[] dy = new double[steps];
        double travelX = 0;
        double travelY = 0;
        for (int i = 0; i < steps; i++) {
            Blob a = track[at.get(i)];
            Blob b = track[at.get(i + 1)];
            int gap = at.get(i + 1) - at.get(i);
            dx[i] = (b.cx() - a.cx()) / gap;
            dy[i] = (b.cy() - a.cy()) / gap;
            travelX += Math.abs(dx[i]);
            travelY += Math.abs(dy[i]);
        }
        boolean horizontal = travelX >= travelY;
        double[] d = horizontal ? dx : dy;
        double initial = 0;
        for (int i = 0; i < Math.min(INITIAL_STEPS, steps); i++) {
            initial += d[i];
        }
        if (Math.abs(initial) < STILL) {
            return null;
        }
        int dir = initial > 0 ? 1 : -1;
        for (int i = 0; i < steps; i++) {
            boolean still = Math.abs(d[i]) < STILL;
            if (still || Math.signum(d[i]) != dir) {
                bounces.add(at.get(i + 1));
                dir = still ? -dir : (int) Math.signum(d[i]);
            }
        }
        if (horizontal) {
            return initial > 0 ? Motion.RIGHT : Motion.LEFT;
        }
        return initial > 0 ? Motion.DOWN : Motion.UP;
    }

    /** Per palette colour, the largest 4-connected blob of lit pixels nearest to it. */
    static Map<Colour, Blob> largestBlobs(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] label = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                int max = Math.max((rgb >> 16) & 0xff, Math.max((rgb >> 8) & 0xff, rgb & 0xff));
                label[y * w + x] = max >= LIT ? Colour.nearest(rgb).ordinal() : -1;
            }
        }
        int minArea = (int) Math.ceil(MIN_AREA_SHARE * w * h);
        boolean[] seen = new boolean[w * h];
        Map<Colour, Blob> best = new EnumMap<>(Colour.class);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < w * h; start++) {
            if (label[start] < 0 || seen[start]) {
                continue;
            }
            int c = label[start];
            int area = 0;
            int minX = w;
            int minY = h;
            int maxX = -1;
            int maxY = -1;
            double sx = 0;
            double sy = 0;
            seen[start] = true;
            queue.add(start);
            while (!queue.isEmpty()) {
                int p = queue.poll();
                int x = p % w;
                int y = p / w;
                area++;
                sx += x;
                sy += y;
                minX = Math.min(minX, x);
                minY = Math.min(minY, y);
                maxX = Math.max(maxX, x);
                maxY = Math.max(maxY, y);
                int[] nb = {x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1};
                for (int q : nb) {
                    if (q >= 0 && !seen[q] && label[q] == c) {
                        seen[q] = true;
                        queue.add(q);
                    }
                }
            }
            Colour colour = Colour.values()[c];
            Blob prev = best.get(colour);
            if (area >= minArea && (prev == null || area > prev.area())) {
                best.put(colour, new Blob(area, minX, minY, maxX, maxY, sx / area + 0.5, sy / area + 0.5));
            }
        }
        return best;
    }
}
