package io.tessera.jobs.generation;

import java.util.ArrayList;
import java.util.List;

/** Array slices to the boxed lists Avro records hold. */
final class Ints {

    private Ints() {}

    static List<Integer> list(int[] values, int from, int to) {
        List<Integer> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            out.add(values[i]);
        }
        return out;
    }

    static List<Float> floatList(float[] values, int from, int to) {
        List<Float> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            out.add(values[i]);
        }
        return out;
    }
}
