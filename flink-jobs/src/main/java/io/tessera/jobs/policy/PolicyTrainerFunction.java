package io.tessera.jobs.policy;

import io.tessera.generator.Generator;
import io.tessera.generator.model.Policy;
import io.tessera.generator.rl.PreferencePair;
import io.tessera.generator.rl.RlTrainer;
import io.tessera.generator.rl.Rollout;
import io.tessera.generator.rl.UpdateMetrics;
import io.tessera.jobs.GeneratorLoader;
import io.tessera.records.PolicyUpdate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer (run with parallelism 1): holds an {@link RlTrainer} whose trainable and reference policies
 * both start as the generator's shipped policy. Complete groups become GRPO updates, preference pairs DPO
 * updates; every {@code policy.publish-every} updates the weights go out as a {@link PolicyUpdate}.
 *
 * <p>Staleness: a group's samples whose first token came from a policy more than {@code policy.max-staleness}
 * versions behind the trainer are dropped (counted in {@code staleDropped}); a group left with fewer than two
 * samples is dropped whole. The trainer (weights, AdamW moments, version) and the items waiting for a full
 * batch are operator state, so a restore resumes exactly where the checkpoint was.
 */
final class PolicyTrainerFunction extends ProcessFunction<TrainingItem, PolicyUpdate> implements CheckpointedFunction {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyTrainerFunction.class);
    private static final int REWARD_VERSIONS_KEPT = 16;

    private final PolicyConfig cfg;
    private final GeneratorLoader loader;

    private transient RlTrainer trainer;
    private transient WeightsPublisher publisher;
    private transient String modelId;
    private transient ListState<byte[]> trainerState;
    private transient ListState<TrainingItem> pendingState;
    private transient byte[] restored;
    private transient List<TrainingItem> pendingGroups;
    private transient List<TrainingItem> pendingPairs;
    private transient int updatesSincePublish;
    private transient long lastPublished;
    private transient long updates;
    private transient long firstUpdateNanos;
    /** policy version that sampled -> {reward sum, samples}: "reward per policy version". */
    private transient TreeMap<Long, double[]> rewardByVersion;
    private transient Counter staleDropped;
    private transient Counter invalidDropped;
    private transient Counter flatGroups;
    private transient volatile double lastLoss = Double.NaN;
    private transient volatile double lastKl = Double.NaN;
    private transient volatile double lastReward = Double.NaN;
    private transient volatile double lastClip = Double.NaN;
    private transient volatile double lastGradNorm = Double.NaN;
    private transient volatile double lastLag = Double.NaN;
    private transient volatile double updatesPerSecond;
    private transient volatile long version;

    PolicyTrainerFunction(PolicyConfig cfg, GeneratorLoader loader) {
        this.cfg = cfg;
        this.loader = loader;
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        trainerState = ctx.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("rl-trainer", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        pendingState = ctx.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("rl-pending", TypeInformation.of(TrainingItem.class)));
        pendingGroups = new ArrayList<>();
        pendingPairs = new ArrayList<>();
        if (ctx.isRestored()) {
            for (byte[] b : trainerState.get()) {
                restored = b;
            }
            for (TrainingItem item : pendingState.get()) {
                (item.grouped() ? pendingGroups : pendingPairs).add(item);
            }
        }
    }

    @Override
    public void open(OpenContext ctx) {
        try (Generator generator = loader.load()) {
            Policy shipped = generator.policy();
            modelId = generator.modelId();
            trainer = new RlTrainer(shipped.copy(), shipped.withVersion(shipped.version()), cfg.rl());
        }
        if (restored != null) {
            trainer.restore(restored);
            LOG.info("policy trainer restored at version {}", trainer.version());
            restored = null;
        }
        version = trainer.version();
        lastPublished = version;
        publisher = new WeightsPublisher(cfg.name(), modelId, cfg.inlineMaxBytes(), cfg.weightsPath(), cfg.keepFiles());
        rewardByVersion = new TreeMap<>();
        var m = getRuntimeContext().getMetricGroup();
        staleDropped = m.counter("staleDropped");
        invalidDropped = m.counter("invalidDropped");
        flatGroups = m.counter("flatGroups");
        m.gauge("policyVersion", () -> version);
        m.gauge("loss", () -> lastLoss);
        m.gauge("kl", () -> lastKl);
        m.gauge("meanReward", () -> lastReward);
        m.gauge("clipFraction", () -> lastClip);
        m.gauge("gradNorm", () -> lastGradNorm);
        m.gauge("policyLag", () -> lastLag);
        m.gauge("updatesPerSecond", () -> updatesPerSecond);
    }

    @Override
    public void processElement(TrainingItem item, Context ctx, Collector<PolicyUpdate> out) {
        if (item.grouped()) {
            TrainingItem usable = usableGroup(item);
            if (usable != null) {
                pendingGroups.add(usable);
            }
            if (pendingGroups.size() >= cfg.groupsPerUpdate()) {
                trainGroups(out);
            }
        } else {
            if (usablePair(item)) {
                pendingPairs.add(item);
            }
            if (pendingPairs.size() >= cfg.pairsPerUpdate()) {
                trainPairs(out);
            }
        }
    }

    /** The group without stale, foreign or oversized samples; null if fewer than two are left or all rewards tie. */
    private TrainingItem usableGroup(TrainingItem item) {
        List<ScoredSample> keep = new ArrayList<>();
        for (ScoredSample s : item.samples) {
            double[] acc = rewardByVersion.computeIfAbsent(s.lastVersion, v -> new double[2]);
            acc[0] += s.reward;
            acc[1]++;
            if (!valid(s)) {
                invalidDropped.inc();
            } else if (trainer.version() - s.firstVersion > cfg.maxStaleness()) {
                staleDropped.inc();
            } else {
                keep.add(s);
            }
        }
        while (rewardByVersion.size() > REWARD_VERSIONS_KEPT) {
            rewardByVersion.pollFirstEntry();
        }
        if (keep.size() < 2) {
            return null;
        }
        double first = keep.get(0).reward;
        if (keep.stream().allMatch(s -> s.reward == first)) {
            flatGroups.inc(); // zero advantage everywhere: nothing to learn but the KL pull
            return null;
        }
        return TrainingItem.group(item.requestId, keep.toArray(new ScoredSample[0]));
    }

    private boolean usablePair(TrainingItem item) {
        boolean ok = item.samples.length == 2 && valid(item.samples[0]) && valid(item.samples[1])
                && item.samples[0].tokens.length > 0 && item.samples[1].tokens.length > 0;
        if (!ok) {
            invalidDropped.inc();
        }
        return ok;
    }

    private boolean valid(ScoredSample s) {
        boolean sameModel = s.modelId == null || s.modelId.isEmpty() || s.modelId.equals(modelId);
        return sameModel && s.prefix.length > 0 && trainer.fits(s.prefix.length, s.tokens.length);
    }

    private void trainGroups(Collector<PolicyUpdate> out) {
        List<List<Rollout>> groups = new ArrayList<>();
        double lag = 0;
        int n = 0;
        for (TrainingItem item : pendingGroups) {
            List<Rollout> g = new ArrayList<>();
            for (ScoredSample s : item.samples) {
                g.add(new Rollout(s.prefix, s.tokens, s.reward, s.firstVersion));
                lag += trainer.version() - s.firstVersion;
                n++;
            }
            groups.add(g);
        }
        pendingGroups.clear();
        lastLag = lag / n;
        UpdateMetrics m = trainer.update(groups);
        lastReward = m.meanReward();
        lastKl = m.kl();
        lastClip = m.clipFraction();
        afterUpdate(m, out);
    }

    private void trainPairs(Collector<PolicyUpdate> out) {
        List<PreferencePair> pairs = new ArrayList<>();
        for (TrainingItem item : pendingPairs) {
            pairs.add(new PreferencePair(item.samples[0].prefix, item.samples[0].tokens, item.samples[1].tokens));
        }
        pendingPairs.clear();
        afterUpdate(trainer.updatePreferences(pairs), out);
    }

    private void afterUpdate(UpdateMetrics m, Collector<PolicyUpdate> out) {
        long now = System.nanoTime();
        if (updates++ == 0) {
            firstUpdateNanos = now - (long) (m.seconds() * 1e9);
        }
        updatesPerSecond = updates / Math.max(1e-9, (now - firstUpdateNanos) / 1e9);
        lastLoss = m.loss();
        lastGradNorm = m.gradNorm();
        version = m.version();
        LOG.info("{} update -> v{}: loss {} reward {} kl {} clip {} grad {} lag {} ({} samples, {} tokens, {} s)",
                m.kind(), m.version(), fmt(m.loss()), fmt(m.meanReward()), fmt(m.kl()), fmt(m.clipFraction()),
                fmt(m.gradNorm()), fmt(lastLag), m.samples(), m.tokens(), fmt(m.seconds()));
        if (++updatesSincePublish >= cfg.publishEvery()) {
            updatesSincePublish = 0;
            try (Policy p = trainer.publish()) {
                out.collect(publisher.update(p, lastPublished, metrics(m)));
            }
            lastPublished = version;
        }
    }

    private Map<String, Double> metrics(UpdateMetrics m) {
        Map<String, Double> x = new LinkedHashMap<>();
        put(x, "loss", m.loss());
        put(x, "kl", lastKl);
        put(x, "meanReward", lastReward);
        put(x, "clipFraction", lastClip);
        put(x, "gradNorm", m.gradNorm());
        put(x, "policyLag", lastLag);
        put(x, "updatesPerSecond", updatesPerSecond);
        put(x, "updates", updates);
        put(x, "staleDropped", staleDropped.getCount());
        for (Map.Entry<Long, double[]> e : rewardByVersion.entrySet()) {
            put(x, "reward.v" + e.getKey(), e.getValue()[0] / e.getValue()[1]);
        }
        return x;
    }

    private static void put(Map<String, Double> m, String k, double v) {
        if (Double.isFinite(v)) {
            m.put(k, v);
        }
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        trainerState.update(List.of(trainer.snapshot()));
        List<TrainingItem> pending = new ArrayList<>(pendingGroups);
        pending.addAll(pendingPairs);
        pendingState.update(pending);
    }

    @Override
    public void close() {
        if (trainer != null) {
            trainer.close();
            trainer = null;
        }
    }
}
