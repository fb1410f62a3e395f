package io.tessera.ingest.cli;

import java.io.PrintStream;

/** {@code [##########----------] 10/20 frames} redrawn in place with a carriage return. */
final class ProgressBar {

    static final int WIDTH = 30;

    private final PrintStream out;
    private final int total;
    private final String unit;
    private int done;
    private boolean drawn;

    ProgressBar(PrintStream out, int total, String unit) {
        this.out = out;
        this.total = Math.max(1, total);
        this.unit = unit;
    }

    void advance() {
        done++;
        draw();
    }

    void draw() {
        out.print('\r' + render(done, total, unit));
        out.flush();
        drawn = true;
    }

    /** Ends the bar's line (if one was drawn). */
    void finish() {
        if (drawn) {
            out.println();
            drawn = false;
        }
    }

    static String render(int done, int total, String unit) {
        int filled = (int) Math.min(WIDTH, (long) WIDTH * Math.min(done, total) / Math.max(1, total));
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + done + "/" + total + " " + unit;
    }
}
