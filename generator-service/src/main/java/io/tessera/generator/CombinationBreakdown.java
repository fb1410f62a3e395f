package io.tessera.generator;

import io.tessera.generator.world.DetectionReport;
import io.tessera.generator.world.HeldOut;
import io.tessera.generator.world.ObjectSpec;
import io.tessera.generator.world.ObjectVerdict;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Held-out text-to-video verdicts per held-out (shape, colour, motion) combination: how often each attribute is
 * right, and what the model drew instead when it was not. A combination the model never composes shows here as a
 * row near 0 with one dominant wrong colour or motion, where the table's averages would hide it.
 */
final class CombinationBreakdown {

    /** Counts for one combination. */
    private static final class Row {
        int objects;
        int found;
        int colourOk;
        int shapeOk;
        int motionOk;
        final Map<String, Integer> wrongColours = new LinkedHashMap<>();
        final Map<String, Integer> wrongMotions = new LinkedHashMap<>(); // "still": it did not move
    }

    private final Map<ObjectSpec, Row> rows = new LinkedHashMap<>();

    CombinationBreakdown() {
        for (ObjectSpec spec : HeldOut.COMBINATIONS) {
            rows.put(spec, new Row());
        }
    }

    /** Adds the verdicts on the held-out objects of one clip's report. */
    void add(DetectionReport report) {
        for (ObjectVerdict v : report.verdicts()) {
            Row row = rows.get(v.expected());
            if (row == null) {
                continue; // a training combination sharing a clip with a held-out one
            }
            row.objects++;
            if (v.found() == null) {
                continue;
            }
            row.found++;
            row.colourOk += v.colourOk() ? 1 : 0;
            row.shapeOk += v.shapeOk() ? 1 : 0;
            row.motionOk += v.motionOk() ? 1 : 0;
            if (!v.colourOk()) {
                row.wrongColours.merge(v.found().colour().word(), 1, Integer::sum);
            }
            if (!v.motionOk()) {
                row.wrongMotions.merge(v.found().motion() == null ? "still" : v.found().motion().word(), 1,
                        Integer::sum);
            }
        }
    }

    void print(PrintStream out) {
        out.println("held-out text-to-video by combination: objects, found, colour / shape / motion right (share of"
                + " objects), most frequent wrong colour and motion among found ones");
        for (var e : rows.entrySet()) {
            Row r = e.getValue();
            double n = Math.max(1, r.objects);
            out.printf(Locale.ROOT, "  %-31s %3d  %.2f  %.2f / %.2f / %.2f   %-8s %s%n", e.getKey().phrase(), r.objects,
                    r.found / n, r.colourOk / n, r.shapeOk / n, r.motionOk / n, mostFrequent(r.wrongColours),
                    mostFrequent(r.wrongMotions));
        }
    }

    private static String mostFrequent(Map<String, Integer> counts) {
        return counts.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> e.getKey() + " x" + e.getValue()).orElse("-");
    }
}
