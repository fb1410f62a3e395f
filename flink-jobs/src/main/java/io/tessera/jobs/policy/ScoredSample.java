package io.tessera.jobs.policy;

import io.tessera.records.GenerationCompleted;
import java.util.List;

/**
 * One generation joined with its reward, as the trainer needs it. A Flink POJO (public no-arg
 * constructor, public fields of Flink-serializable types), so it never falls back to Kryo.
 */
public class ScoredSample {
    public int sampleIndex;
    public int[] prefix;
    public int[] tokens;
    /** Reward total; NaN for a preference pair's sample (DPO does not use it). */
    public double reward;
    /** Policy version that sampled the first token (the oldest one involved). */
    public long firstVersion;
    /** Policy version that sampled the last token. */
    public long lastVersion;
    public String modelId;

    public ScoredSample() {}

    static ScoredSample of(GenerationCompleted g, double reward) {
        ScoredSample s = new ScoredSample();
        s.sampleIndex = g.getSampleIndex();
        s.prefix = ints(g.getPrefixTokens());
        s.tokens = ints(g.getTokens());
        s.reward = reward;
        s.lastVersion = g.getPolicyVersion();
        // firstPolicyVersion defaults to 0 for producers that predate it: then only the last one is known
        s.firstVersion = g.getFirstPolicyVersion() > 0 ? Math.min(g.getFirstPolicyVersion(), g.getPolicyVersion())
                : g.getPolicyVersion();
        s.modelId = g.getModelId();
        return s;
    }

    private static int[] ints(List<Integer> list) {
        int[] a = new int[list.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = list.get(i);
        }
        return a;
    }
}
