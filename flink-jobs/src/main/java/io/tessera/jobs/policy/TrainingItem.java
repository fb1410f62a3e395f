package io.tessera.jobs.policy;

/**
 * What the join hands the trainer: a complete GRPO group (all samples of a request, each scored) or a DPO
 * preference pair ({@code samples[0]} preferred over {@code samples[1]}). A Flink POJO.
 */
public class TrainingItem {
    public static final String GROUP = "GROUP";
    public static final String PREFERENCE = "PREFERENCE";

    public String requestId;
    /** {@link #GROUP} or {@link #PREFERENCE}. */
    public String kind;
    public ScoredSample[] samples;

    public TrainingItem() {}

    static TrainingItem group(String requestId, ScoredSample[] samples) {
        TrainingItem t = new TrainingItem();
        t.requestId = requestId;
        t.kind = GROUP;
        t.samples = samples;
        return t;
    }

    static TrainingItem preference(String requestId, ScoredSample chosen, ScoredSample rejected) {
        TrainingItem t = new TrainingItem();
        t.requestId = requestId;
        t.kind = PREFERENCE;
        t.samples = new ScoredSample[] {chosen, rejected};
        return t;
    }

    boolean grouped() {
        return GROUP.equals(kind);
    }
}
