package io.tessera.jobs.policy;

import io.tessera.jobs.io.AvroRecordTypeInfo;
import io.tessera.records.Feedback;
import io.tessera.records.FeedbackKind;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.Reward;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * Keyed by request id: joins the request's generations, rewards and PREFERENCE feedback.
 *
 * <ul>
 *   <li>When every sample {@code 0 .. samples-1} has a generation and a reward, the group goes out as one
 *       {@link TrainingItem#GROUP} and the rewards are cleared. The generations stay for
 *       {@code policy.feedback-retention} (so later preferences can still be paired), then everything is
 *       cleared; with a retention of 0 everything is cleared at once.
 *   <li>A preference whose two generations are here becomes a {@link TrainingItem#PREFERENCE} pair; one that
 *       arrives first waits in state for them.
 *   <li>A processing-time timer {@code policy.group-timeout} after a request's first record drops an
 *       incomplete group (counted in {@code groupsTimedOut}) and all its state: nothing waits forever.
 * </ul>
 * Thumbs and ratings are not used by the trainer (they are counted in {@code feedbackIgnored}).
 *
 * <p>A group of best-of-N samples ({@code GenerationCompleted.bestOf > 1}) is not a GRPO group: each sample is
 * the verifier's pick of N draws, not a draw of the policy, so its recorded log-probabilities would make the
 * clipped ratio and the group-normalised advantages train toward the selection as if the policy had sampled it.
 * Such groups are completed and cleared as usual but not emitted (counted in {@code bestOfGroupsSkipped});
 * user preferences between their samples still become DPO pairs (DPO learns from any pair, on-policy or not).
 */
final class GroupJoinFunction
        extends KeyedProcessFunction<String, Either<GenerationCompleted, Either<Reward, Feedback>>, TrainingItem> {

    private final long groupTimeoutMs;
    private final long retentionMs;

    private transient MapState<Integer, GenerationCompleted> generations;
    private transient MapState<Integer, Double> rewards;
    private transient ListState<Feedback> pendingPreferences;
    private transient ValueState<Integer> groupSize;
    private transient ValueState<Long> timer;
    private transient ValueState<Boolean> trained;
    private transient Counter groupsEmitted;
    private transient Counter groupsTimedOut;
    private transient Counter pairsEmitted;
    private transient Counter preferencesDropped;
    private transient Counter feedbackIgnored;
    private transient Counter bestOfGroupsSkipped;

    GroupJoinFunction(PolicyConfig cfg) {
        this.groupTimeoutMs = cfg.groupTimeout().toMillis();
        this.retentionMs = cfg.feedbackRetention().toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        generations = getRuntimeContext().getMapState(new MapStateDescriptor<>("generations", Types.INT,
                AvroRecordTypeInfo.forClass(GenerationCompleted.class)));
        rewards = getRuntimeContext().getMapState(new MapStateDescriptor<>("rewards", Types.INT, Types.DOUBLE));
        pendingPreferences = getRuntimeContext().getListState(new ListStateDescriptor<>("pending-preferences",
                AvroRecordTypeInfo.forClass(Feedback.class)));
        groupSize = getRuntimeContext().getState(new ValueStateDescriptor<>("group-size", Types.INT));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("timer", Types.LONG));
        trained = getRuntimeContext().getState(new ValueStateDescriptor<>("trained", Types.BOOLEAN));
        var metrics = getRuntimeContext().getMetricGroup();
        groupsEmitted = metrics.counter("groupsEmitted");
        groupsTimedOut = metrics.counter("groupsTimedOut");
        pairsEmitted = metrics.counter("preferencePairs");
        bestOfGroupsSkipped = metrics.counter("bestOfGroupsSkipped");
        preferencesDropped = metrics.counter("preferencesDropped");
        feedbackIgnored = metrics.counter("feedbackIgnored");
    }

    @Override
    public void processElement(Either<GenerationCompleted, Either<Reward, Feedback>> in, Context ctx,
            Collector<TrainingItem> out) throws Exception {
        if (in.isLeft()) {
            GenerationCompleted g = in.left();
            generations.put(g.getSampleIndex(), g);
            if (groupSize.value() == null) {
                groupSize.update(g.getSamples());
            }
            armTimer(ctx, groupTimeoutMs);
            emitWaitingPreferences(out);
            maybeEmitGroup(ctx, out);
        } else if (in.right().isLeft()) {
            Reward r = in.right().left();
            if (Boolean.TRUE.equals(trained.value())) {
                return; // a late or repeated reward of a group already trained on
            }
            rewards.put(r.getSampleIndex(), r.getTotal());
            armTimer(ctx, groupTimeoutMs);
            maybeEmitGroup(ctx, out);
        } else {
            Feedback f = in.right().right();
            if (f.getKind() != FeedbackKind.PREFERENCE) {
                feedbackIgnored.inc();
                return;
            }
            if (!emitPair(f, out)) {
                pendingPreferences.add(f);
                armTimer(ctx, groupTimeoutMs);
            }
        }
    }

    /** Emits the pair if both generations are here. */
    private boolean emitPair(Feedback f, Collector<TrainingItem> out) throws Exception {
        GenerationCompleted chosen = generations.get(f.getPreferredSample());
        GenerationCompleted rejected = generations.get(f.getRejectedSample());
        if (chosen == null || rejected == null) {
            return false;
        }
        out.collect(TrainingItem.preference(f.getRequestId(), ScoredSample.of(chosen, Double.NaN),
                ScoredSample.of(rejected, Double.NaN)));
        pairsEmitted.inc();
        return true;
    }

    private void emitWaitingPreferences(Collector<TrainingItem> out) throws Exception {
        List<Feedback> still = new ArrayList<>();
        boolean any = false;
        for (Feedback f : pendingPreferences.get()) {
            any = true;
            if (!emitPair(f, out)) {
                still.add(f);
            }
        }
        if (any) {
            pendingPreferences.update(still);
        }
    }

    /** Any of the group's samples was chosen by a verifier among several candidates. */
    private boolean bestOfGroup(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            if (generations.get(i).getBestOf() > 1) {
                return true;
            }
        }
        return false;
    }

    private void maybeEmitGroup(Context ctx, Collector<TrainingItem> out) throws Exception {
        Integer n = groupSize.value();
        if (n == null || Boolean.TRUE.equals(trained.value())) {
            return;
        }
        ScoredSample[] samples = new ScoredSample[n];
        for (int i = 0; i < n; i++) {
            GenerationCompleted g = generations.get(i);
            Double r = rewards.get(i);
            if (g == null || r == null) {
                return;
            }
            samples[i] = ScoredSample.of(g, r);
        }
        if (bestOfGroup(n)) {
            bestOfGroupsSkipped.inc();
        } else {
            out.collect(TrainingItem.group(ctx.getCurrentKey(), samples));
            groupsEmitted.inc();
        }
        rewards.clear();
        if (retentionMs == 0 && !pendingPreferences.get().iterator().hasNext()) {
            clearAll(ctx);
        } else {
            trained.update(true);
            rearmTimer(ctx, Math.max(1, retentionMs));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TrainingItem> out) throws Exception {
        Long due = timer.value();
        if (due == null || due != timestamp) {
            return; // an older timer that was replaced
        }
        if (!Boolean.TRUE.equals(trained.value())) {
            groupsTimedOut.inc();
        }
        for (Feedback ignored : pendingPreferences.get()) {
            preferencesDropped.inc();
        }
        clearAll(ctx);
    }

    private void armTimer(Context ctx, long afterMs) throws Exception {
        if (timer.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + afterMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            timer.update(at);
        }
    }

    private void rearmTimer(Context ctx, long afterMs) throws Exception {
        Long old = timer.value();
        if (old != null) {
            ctx.timerService().deleteProcessingTimeTimer(old);
        }
        timer.clear();
        armTimer(ctx, afterMs);
    }

    private void clearAll(Context ctx) throws Exception {
        Long old = timer.value();
        if (old != null) {
            ctx.timerService().deleteProcessingTimeTimer(old);
        }
        generations.clear();
        rewards.clear();
        pendingPreferences.clear();
        groupSize.clear();
        timer.clear();
        trained.clear();
    }
}
