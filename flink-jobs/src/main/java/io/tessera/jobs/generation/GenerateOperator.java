package io.tessera.jobs.generation;

import io.tessera.generator.ClipLayout;
import io.tessera.generator.Generator;
import io.tessera.generator.engine.Admission;
import io.tessera.generator.engine.EngineConfig;
import io.tessera.generator.engine.GenerationEngine;
import io.tessera.generator.engine.SampleRequest;
import io.tessera.generator.engine.SampleState;
import io.tessera.generator.engine.SampleTimings;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenListener;
import io.tessera.jobs.GeneratorLoader;
import io.tessera.jobs.condition.ConditionedRequest;
import io.tessera.jobs.io.AvroRecordTypeInfo;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.generator.model.Policy;
import io.tessera.records.Cancel;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.PolicyUpdate;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.records.TokenChunk;
import io.tessera.reward.RewardConfig;
import io.tessera.schemas.RecordCodec;
import io.tessera.schemas.Topics;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link GenerationEngine} per subtask with continuous batching over every request routed here.
 *
 * <p>Driving: a request's samples are submitted to the engine in {@link #processElement}; a "decode step"
 * mail on the task's mailbox runs one {@link GenerationEngine#step()} and re-enqueues itself while the
 * engine has work, so steps interleave with input, checkpoints and timers and each one is short. When
 * the engine is full, {@code processElement} yields to the mailbox (running steps) until a slot frees:
 * input stops being taken and backpressure reaches the source; nothing is buffered beyond the engine's
 * own bounds and one request's samples.
 *
 * <p>Output: a {@link TokenChunk} per completed frame (dense {@code seq}, the last one {@code final} with
 * the finish reason) on the main output, one {@link GenerationCompleted} per sample on {@link #COMPLETED},
 * rejected requests on {@link DeadLetters#TAG}.
 *
 * <p>State: every admitted or waiting sample ({@link SampleMeta} + {@link SampleState}) is written to
 * union operator list state at each checkpoint; on restore each subtask keeps the samples whose request
 * id hashes to it and resumes them with {@link GenerationEngine#resume}. Sampling is a pure function of
 * (seed, position, logits), so tokens after a restore are the ones the failed attempt would have made.
 *
 * <p>Inputs: input 1 carries prompts with their decoded conditioning media ({@code Either.Left}, from the
 * conditioning assembler; the media is tokenized here, once per request, by {@code Generator.sampleRequest})
 * and cancels ({@code Either.Right}), keyed by request id; input 2 carries {@link PolicyUpdate}s broadcast to
 * every subtask (see {@link #processElement2}): they are read, verified and decoded on a background thread and
 * swapped in from the mailbox between decode steps. The last applied update (weights inline) is checkpointed
 * and re-applied before restored samples resume.
 *
 * <p>Best-of-N ({@code sampling.bestOf} K > 1): each returned sample i runs as K engine samples (candidates, ids
 * {@code requestId#i/c}, seeds {@link SampleMeta#candidateSeed}) that emit no chunks. A finished candidate waits in
 * its {@link CandidateGroup} (checkpointed with the in-flight samples); when all K have finished they are scored by
 * the {@link CandidateVerifier} and only the winner's tokens leave, cut into exactly the chunks a plain sample would
 * have sent, with one {@link GenerationCompleted} carrying every candidate's score.
 */
public final class GenerateOperator extends AbstractStreamOperator<TokenChunk>
        implements TwoInputStreamOperator<Either<ConditionedRequest, Cancel>, PolicyUpdate, TokenChunk>,
        BoundedMultiInput, Triggerable<String, VoidNamespace> {

    /** One completion record per finished sample. */
    public static final OutputTag<GenerationCompleted> COMPLETED =
            new OutputTag<>("generations", AvroRecordTypeInfo.forClass(GenerationCompleted.class));

    static final String STAGE = "GenerationJob/generate";
    static final String STATE_NAME = "tessera-in-flight-samples";
    static final String POLICY_STATE_NAME = "tessera-applied-policy";
    static final String DRAINING_POLICY_STATE_NAME = "tessera-draining-policy";
    static final String DRAINING_SAMPLES_STATE_NAME = "tessera-draining-samples";
    static final String PENDING_POLICY_STATE_NAME = "tessera-pending-policies";
    static final String POLICY_STAGE = "GenerationJob/hot-swap";
    /** How long a cancel for a request this subtask does not hold is remembered (a prompt may arrive late). */
    static final long CANCEL_MARKER_TTL_MS = 60_000L;

    /**
     * Tessera's own logger: the inherited {@code AbstractStreamOperator.LOG} is named after Flink's class, so swaps,
     * restores and cancels would be logged at the libraries' level (WARN in {@code bin/tessera}) and not be seen.
     */
    private static final Logger LOG = LoggerFactory.getLogger(GenerateOperator.class);

    private final GeneratorLoader loader;
    private final int maxBatch;
    private final int maxQueue;
    private final int maxSequence;
    private final int swapPrefillTokens;
    /** See {@link BatchWindow}; {@link BatchWindow#NONE} steps at once. */
    private final BatchWindow batchWindow;
    private final transient MailboxExecutor mailbox;

    private transient Generator generator;
    private transient ClipLayout layout;
    private transient GenerationEngine engine;
    private transient String modelId;
    private transient RecordCodec<GenerationRequest> requestCodec;
    private transient Listener listener;
    /** Samples in the engine, by sample id. */
    private transient Map<String, SampleProgress> inFlight;
    /** Samples not yet admitted: the rest of the current request, or restored ones beyond capacity. */
    private transient ArrayDeque<SampleProgress> waiting;
    /** Best-of-N groups whose candidates have not all finished, by {@link CandidateGroup#key}. */
    private transient Map<String, CandidateGroup> groups;
    /** Scores best-of candidates; built in {@link #open()}. */
    private transient CandidateVerifier verifier;
    private transient boolean stepScheduled;
    /** A request reached the idle engine: the first step waits for the batch window to close. */
    private transient boolean batchWindowOpen;
    /** Processing time the open batch window opened at, and of the latest request it took in. */
    private transient long windowOpenedAt;
    private transient long windowLastArrivalAt;
    /** A request was taken from the input since the last decode-step mail ran. */
    private transient boolean inputSinceLastMail;
    /** Decode steps put off in a row so pending input could be read first; bounded by {@link #maxBatch}. */
    private transient int deferredSteps;
    private transient ListState<byte[]> checkpointed;
    private transient List<InFlightCodec.Entry> restored;
    private transient Counter tokensOut;
    private transient Histogram timeToFirstTokenMs;
    /** Cancels that arrived before their prompt: the marker's expiry time (processing time, ms), per request. */
    private transient ValueState<Long> cancelledEarly;
    private transient InternalTimerService<VoidNamespace> markerTimers;
    /** The last applied update, weights inline, as encoded bytes (subtask 0 checkpoints it for all). */
    private transient ListState<byte[]> policyState;
    private transient byte[] appliedUpdate;
    private transient byte[] restoredUpdate;
    private transient RecordCodec<PolicyUpdate> updateCodec;
    /** The loader thread's own codec (the task thread's is not shared across threads). */
    private transient RecordCodec<PolicyUpdate> loaderCodec;
    /** The policy this operator swapped in last (it owns it); null while the generator's. */
    private transient Policy swappedIn;
    /** Policies this operator swapped in and then replaced: closed once the engine no longer uses them. */
    private transient List<Policy> replaced;
    /** Each swapped-in policy's update, weights inline, encoded: checkpointed while the policy drains. */
    private transient Map<Policy, byte[]> encodedUpdates;
    /**
     * A swap was moving samples when the checkpoint was taken: which policy they still ran (its encoded update;
     * empty for the generator's own policy; null when no swap was draining) and which samples ran it.
     */
    private transient ListState<byte[]> drainingPolicyState;
    private transient ListState<String> drainingSamplesState;
    private transient byte[] restoredDrainingUpdate;
    private transient java.util.Set<String> restoredDrainingSamples;
    /**
     * A swap is moving in-flight samples to the new weights: the steps until it ends count towards its pause,
     * the first one together with this many nanoseconds of installing it on the task thread (-1: none).
     */
    private transient long swapLoadNanos = -1;
    /** The longest step of the swap in progress, ms. */
    private transient double swapStepMaxMs;
    /** Reads, verifies and decodes policy updates off the task thread, one at a time, in arrival order. */
    private transient ExecutorService policyLoader;
    /** Updates handed to {@link #policyLoader}, oldest first; applied in this order from the task thread. */
    private transient ArrayDeque<PendingUpdate> pendingUpdates;
    /**
     * Updates received but not yet installed when the checkpoint was taken, as received (encoded; subtask 0
     * writes them for all): a barrier does not wait for a load, the restored operator loads them again.
     */
    private transient ListState<byte[]> pendingPolicyState;
    private transient List<byte[]> restoredPending;
    /** Whether the engine holds a spare lane cache (written on the task thread, read by the loader). */
    private transient volatile boolean engineHasSpareCache;
    private transient volatile double swapPauseMaxMs;
    private transient volatile double lastSwapPauseMs;
    private transient volatile double lastSwapLoadMs;
    private transient volatile double normalStepMaxMs;
    private transient double normalStepTotalMs;
    private transient long normalSteps;
    private transient volatile double normalStepMeanMs;
    /** For the summary logged at close: steps while an older policy still ran, the other steps, installs. */
    private transient MsHistogram swapSteps;
    private transient MsHistogram otherSteps;
    private transient MsHistogram installs;
    /**
     * The first exception thrown while emitting from the listener (e.g. a failing downstream operator).
     * The engine catches listener exceptions to protect its other samples, so the operator keeps it here
     * and rethrows it after the step: the task must fail and recover from the checkpoint.
     */
    private transient Throwable emitFailure;

    GenerateOperator(StreamOperatorParameters<TokenChunk> parameters, GeneratorLoader loader, EngineConfig bounds,
            BatchWindow batchWindow) {
        super(parameters);
        this.loader = loader;
        this.maxBatch = bounds.maxBatch();
        this.maxQueue = bounds.maxQueue();
        this.maxSequence = bounds.maxSequenceLength();
        this.swapPrefillTokens = bounds.swapPrefillTokens();
        this.batchWindow = batchWindow;
        this.mailbox = parameters.getMailboxExecutor();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointed = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>(STATE_NAME, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        policyState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>(POLICY_STATE_NAME, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        drainingPolicyState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(
                DRAINING_POLICY_STATE_NAME, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        drainingSamplesState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>(DRAINING_SAMPLES_STATE_NAME, Types.STRING));
        pendingPolicyState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(
                PENDING_POLICY_STATE_NAME, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        restored = new ArrayList<>();
        restoredPending = new ArrayList<>();
        restoredDrainingSamples = new java.util.HashSet<>();
        if (context.isRestored()) {
            for (byte[] bytes : drainingPolicyState.get()) {
                if (restoredDrainingUpdate == null || restoredDrainingUpdate.length == 0) {
                    restoredDrainingUpdate = bytes; // every draining subtask wrote the same policy
                }
            }
            drainingSamplesState.get().forEach(restoredDrainingSamples::add);
            pendingPolicyState.get().forEach(restoredPending::add); // only subtask 0 wrote them, in arrival order
            updateCodec = RecordCodec.of(PolicyUpdate.class);
            long best = Long.MIN_VALUE;
            for (byte[] bytes : policyState.get()) {
                long version = updateCodec.decode(bytes).getVersion();
                if (version > best) {
                    best = version;
                    restoredUpdate = bytes;
                }
            }
            long now = System.nanoTime();
            TaskInfo task = getRuntimeContext().getTaskInfo();
            for (byte[] bytes : checkpointed.get()) {
                InFlightCodec.Entry entry = InFlightCodec.decode(bytes, now);
                int owner = KeyGroupRangeAssignment.assignKeyToParallelOperator(entry.meta().requestId(),
                        task.getMaxNumberOfParallelSubtasks(), task.getNumberOfParallelSubtasks());
                if (owner == task.getIndexOfThisSubtask()) {
                    restored.add(entry);
                }
            }
            LOG.info("{}: restored {} in-flight samples", getOperatorName(), restored.size());
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        requestCodec = RecordCodec.of(GenerationRequest.class);
        updateCodec = RecordCodec.of(PolicyUpdate.class);
        loaderCodec = RecordCodec.of(PolicyUpdate.class);
        pendingUpdates = new ArrayDeque<>();
        replaced = new ArrayList<>();
        swapSteps = new MsHistogram();
        otherSteps = new MsHistogram();
        installs = new MsHistogram();
        encodedUpdates = new java.util.IdentityHashMap<>();
        String loaderName = "tessera-policy-loader-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        policyLoader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, loaderName);
            t.setDaemon(true);
            return t;
        });
        if (getKeyedStateBackend() != null) {
            cancelledEarly = getPartitionedState(new ValueStateDescriptor<>("tessera-cancelled-early", Types.LONG));
            markerTimers = getInternalTimerService("tessera-cancel-markers", VoidNamespaceSerializer.INSTANCE, this);
        }
        generator = loader.load();
        layout = generator.layout();
        modelId = generator.modelId();
        engine = generator.newEngine(new EngineConfig(maxBatch, maxQueue, maxSequence, swapPrefillTokens));
        listener = new Listener();
        inFlight = new LinkedHashMap<>();
        waiting = new ArrayDeque<>();
        groups = new LinkedHashMap<>();
        verifier = new CandidateVerifier(generator.tokenizers(), RewardConfig.DEFAULT);
        tokensOut = getMetricGroup().counter("tokensGenerated");
        getMetricGroup().meter("tokensPerSecond", new MeterView(tokensOut, 10));
        getMetricGroup().gauge("activeSamples", () -> engine == null ? 0 : engine.active());
        getMetricGroup().gauge("queuedSamples", () -> engine == null ? 0 : engine.queued() + waiting.size());
        timeToFirstTokenMs = getMetricGroup().histogram("timeToFirstTokenMs", new DescriptiveStatisticsHistogram(1000));
        getMetricGroup().gauge("swapPauseMaxMs", () -> swapPauseMaxMs);
        getMetricGroup().gauge("normalStepMaxMs", () -> normalStepMaxMs);
        getMetricGroup().gauge("normalStepMeanMs", () -> normalStepMeanMs);
        getMetricGroup().gauge("lastSwapPauseMs", () -> lastSwapPauseMs);
        getMetricGroup().gauge("lastSwapLoadMs", () -> lastSwapLoadMs);
        getMetricGroup().gauge("policyVersion", () -> engine == null ? -1L : engine.policyVersion());
        if (restoredUpdate != null) {
            // Before the restored samples resume: the engine must run the version it ran before the failure.
            PolicyUpdate update = updateCodec.decode(restoredUpdate);
            LoadedUpdate loaded = load(update);
            if (loaded.problem() != null) {
                throw new IllegalStateException("cannot re-apply the checkpointed policy version "
                        + update.getVersion() + ": " + loaded.problem());
            }
            install(loaded);
            LOG.info("{}: re-applied checkpointed policy version {}", getOperatorName(), update.getVersion());
            restoredUpdate = null;
        }
        if (restoredDrainingUpdate != null) {
            restoreDrainingSwap(restoredDrainingUpdate);
            restoredDrainingUpdate = null;
        }
        for (byte[] bytes : restoredPending) { // received before the checkpoint, still loading then: load again
            submitUpdate(updateCodec.decode(bytes));
        }
        if (!restoredPending.isEmpty()) {
            LOG.info("{}: loading {} policy updates that were still loading at the checkpoint", getOperatorName(),
                    restoredPending.size());
            restoredPending = List.of();
        }
        for (InFlightCodec.Entry entry : restored) {
            if (entry.meta().isCandidate()) {
                CandidateGroup group = groups.computeIfAbsent(CandidateGroup.key(entry.meta()),
                        k -> new CandidateGroup(entry.meta()));
                if (entry.finish() != null) {
                    group.record(new CandidateGroup.Finished(entry.meta(), entry.state(), entry.finish()));
                    continue;
                }
            }
            int perFrame = layout.generatedTokensPerFrame(entry.meta().task());
            SampleProgress p = SampleProgress.restored(entry.meta(), entry.state(), perFrame);
            p.resumeOnDrainingPolicy = engine.drainingPolicy() != null
                    && restoredDrainingSamples.contains(entry.state().request().sampleId());
            waiting.add(p);
        }
        restoredDrainingSamples = null;
        restored = null;
        for (CandidateGroup group : new ArrayList<>(groups.values())) {
            if (group.complete()) { // every candidate had finished: cannot be checkpointed so, but never lose it
                groups.remove(CandidateGroup.key(group.returned));
                resolve(group);
            }
        }
        admitWaiting(false);
        if (!waiting.isEmpty() || engine.admitted() > 0) {
            scheduleStep();
        }
    }

    /**
     * The checkpoint was taken while a swap was moving samples: rebuild its draining lane with the policy they
     * still ran (the generator's own, or the checkpointed update's), so they move over as they would have.
     */
    private void restoreDrainingSwap(byte[] encoded) {
        Policy old;
        if (encoded.length == 0) {
            old = generator.policy();
        } else {
            PolicyUpdate update = updateCodec.decode(encoded);
            LoadedUpdate loaded = load(update);
            if (loaded.problem() != null) {
                throw new IllegalStateException("cannot re-apply the checkpointed draining policy version "
                        + update.getVersion() + ": " + loaded.problem());
            }
            old = loaded.policy();
            replaced.add(old);
            encodedUpdates.put(old, encoded);
        }
        engine.restoreSwapFrom(old);
        LOG.info("{}: samples of policy version {} resume on it and move to v{} as before the failure",
                getOperatorName(), old.version(), engine.policyVersion());
    }

    @Override
    public void processElement1(StreamRecord<Either<ConditionedRequest, Cancel>> element) throws Exception {
        Either<ConditionedRequest, Cancel> value = element.getValue();
        if (value.isLeft()) {
            processRequest(value.left());
        } else {
            processCancel(value.right());
        }
    }

    private void processRequest(ConditionedRequest conditioned) throws Exception {
        GenerationRequest request = conditioned.decodedRequest();
        List<SampleProgress> samples;
        try {
            samples = plan(request, conditioned);
        } catch (RuntimeException e) {
            reject(request, "generator rejected the request: " + DeadLetters.describe(e), e);
            return;
        }
        Long marker = cancelledEarly == null ? null : cancelledEarly.value();
        if (marker != null) {
            // Its cancel came first: every sample ends CANCELLED at once, without touching the engine.
            cancelledEarly.clear();
            markerTimers.deleteProcessingTimeTimer(VoidNamespace.INSTANCE, marker);
            LOG.debug("request {} was cancelled before it arrived; dropped", request.getRequestId());
            for (SampleProgress p : samples) {
                if (p.meta.isCandidate()) {
                    groupOf(p).cancelled = true;
                    candidateFinished(p, FinishReason.CANCELLED, NOT_STARTED);
                } else {
                    finishUnadmitted(p, FinishReason.CANCELLED);
                }
            }
            return;
        }
        for (SampleProgress p : samples) {
            if (p.meta.isCandidate()) {
                groupOf(p);
            }
        }
        waiting.addAll(samples);
        inputSinceLastMail = true;
        admitWaiting(true);
    }

    /**
     * Cancels every sample of the request: waiting ones end here, admitted ones through {@link
     * GenerationEngine#cancel} (the engine frees the slot and reports CANCELLED to the listener, which flushes
     * the partial frame into the final chunk). A request this subtask does not hold gets a marker so that a
     * late prompt is dropped; the marker expires after {@link #CANCEL_MARKER_TTL_MS}.
     */
    private void processCancel(Cancel cancel) throws Exception {
        String requestId = cancel.getRequestId();
        boolean found = false;
        for (CandidateGroup g : groups.values()) {
            if (g.returned.requestId().equals(requestId)) {
                g.cancelled = true; // resolved (CANCELLED) once its last candidate is cancelled below
                found = true;
            }
        }
        List<SampleProgress> unadmitted = new ArrayList<>();
        for (var it = waiting.iterator(); it.hasNext(); ) {
            SampleProgress p = it.next();
            if (p.meta.requestId().equals(requestId)) {
                it.remove();
                unadmitted.add(p);
                found = true;
            }
        }
        for (SampleProgress p : unadmitted) {
            if (p.meta.isCandidate()) {
                candidateFinished(p, FinishReason.CANCELLED, NOT_STARTED);
            } else {
                finishUnadmitted(p, FinishReason.CANCELLED);
            }
        }
        for (SampleProgress p : new ArrayList<>(inFlight.values())) {
            if (p.meta.requestId().equals(requestId)) {
                engine.cancel(p.sampleId());
                found = true;
            }
        }
        rethrowEmitFailure();
        if (found) {
            LOG.info("request {} cancelled: {}", requestId, cancel.getReason());
            return;
        }
        LOG.debug("cancel for request {} that this subtask does not hold (unknown, finished or not yet arrived)",
                requestId);
        if (cancelledEarly != null && cancelledEarly.value() == null) {
            long expiry = getProcessingTimeService().getCurrentProcessingTime() + CANCEL_MARKER_TTL_MS;
            cancelledEarly.update(expiry);
            markerTimers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, expiry);
        }
    }

    /** Timings of a sample that never reached the engine. */
    private static final SampleTimings NOT_STARTED = new SampleTimings(0, -1, 0, 0);

    /** A sample that never reached the engine ends here: its (final) chunk and its record. */
    private void finishUnadmitted(SampleProgress p, FinishReason why) {
        long version = engine.policyVersion();
        output.collect(new StreamRecord<>(p.takeChunk(true, why, version)));
        output.collect(COMPLETED, new StreamRecord<>(completed(p, why, NOT_STARTED, version, List.of())));
    }

    /** The open group of a best-of candidate, created with its first candidate. */
    private CandidateGroup groupOf(SampleProgress candidate) {
        return groups.computeIfAbsent(CandidateGroup.key(candidate.meta), k -> new CandidateGroup(candidate.meta));
    }

    /**
     * A best-of candidate ended (in the engine, or cancelled before it got there): it joins its group, and when it
     * was the group's last, the group is resolved.
     */
    private void candidateFinished(SampleProgress p, FinishReason why, SampleTimings timings) {
        String key = CandidateGroup.key(p.meta);
        CandidateGroup group = groups.get(key);
        if (group == null) {
            throw new IllegalStateException("candidate " + p.sampleId() + " has no open group");
        }
        SampleState state = new SampleState(p.request, p.tokens(), p.logprobs(), p.versions());
        group.record(new CandidateGroup.Finished(p.meta, state, new InFlightCodec.Finish(why, timings)));
        if (group.complete()) {
            groups.remove(key);
            resolve(group);
        }
    }

    /**
     * Scores every candidate of a complete group with the verifier, picks the best ({@link CandidateGroup#choose}:
     * highest total, ties to the lowest index, unscorable = -infinity) and emits the winner as the returned sample:
     * its tokens cut into the chunks a plain sample would have sent (same {@link SampleProgress} boundaries: the
     * first token alone, then one per frame, the final chunk with the winner's finish reason, or CANCELLED when a
     * cancel hit the group), then one {@link GenerationCompleted} with the winner's tokens, logprobs, versions,
     * seed and timings, {@code bestOf} and every candidate's score.
     */
    private void resolve(CandidateGroup group) {
        List<CandidateGroup.Finished> all = group.all();
        SampleMeta meta = group.returned;
        double[] totals = new double[all.size()];
        List<Double> scores = new ArrayList<>(all.size());
        for (CandidateGroup.Finished f : all) {
            CandidateVerifier.Verdict v = verifier.score(meta.task(), meta.prompt(), f.state().request().prefix(),
                    f.state().generated());
            if (!v.scored() && !group.cancelled) {
                LOG.info("best-of {}: candidate {} ({} tokens, {}) could not be scored, counts as -infinity: {}",
                        CandidateGroup.key(meta), f.meta().candidate(), f.state().generated().length,
                        f.finish().reason(), v.problem());
            } else if (!v.scored()) {
                LOG.debug("best-of {} (cancelled): candidate {} not scored: {}", CandidateGroup.key(meta),
                        f.meta().candidate(), v.problem());
            }
            totals[f.meta().candidate()] = v.forChoice();
            scores.add(v.forRecord());
        }
        CandidateGroup.Finished winner = all.get(CandidateGroup.choose(totals));
        FinishReason why = group.cancelled ? FinishReason.CANCELLED : winner.finish().reason();
        SampleState won = winner.state();
        SampleProgress out = SampleProgress.fresh(meta, won.request(), layout.generatedTokensPerFrame(meta.task()));
        int[] tokens = won.generated();
        for (int i = 0; i < tokens.length; i++) {
            out.append(i, tokens[i], won.logprobs()[i], won.versions()[i]);
            if (out.frameReadyBeforeEnd()) {
                output.collect(new StreamRecord<>(out.takeChunk(false, null, won.versions()[i])));
            }
        }
        long version = engine.policyVersion();
        output.collect(new StreamRecord<>(out.takeChunk(true, why, version)));
        SampleTimings timings = winner.finish().timings();
        output.collect(COMPLETED, new StreamRecord<>(completed(out, why, timings, version, scores)));
        if (timings.firstTokenNanos() >= 0) {
            timeToFirstTokenMs.update(TimeUnit.NANOSECONDS.toMillis(timings.firstTokenNanos()));
        }
        LOG.debug("best-of {}: candidate {} of {} chosen, scores {}", CandidateGroup.key(meta),
                winner.meta().candidate(), all.size(), scores);
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        cancelledEarly.clear(); // the prompt never came
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
        // no event-time timers
    }

    /**
     * A policy update (broadcast to every subtask). It is handed to a background thread ({@link #load}), which
     * checks, in order: the weights can be read (inline or a {@code file:} URI), the modelId is this
     * generator's, the SHA-256 matches; then decodes the weights into a {@link Policy}. When it is ready, a
     * mail ({@link #installReadyUpdates}) installs it between decode steps: a refused update is dead-lettered
     * with the reason, a version not above the running one is ignored, otherwise the new policy goes to
     * {@link GenerationEngine#swapPolicy} and applies before the next decode step. Updates apply in arrival
     * order. A checkpoint barrier does not wait for a load (it took 0.2-0.4 s here, most of it the SHA-256 of
     * 17.7 MB, and stalled decoding that long): updates still loading are checkpointed as received and loaded
     * again by the restored operator. Every subtask receives the same updates before a barrier, so the
     * checkpoint holds the same applied and pending updates for all of them.
     */
    @Override
    public void processElement2(StreamRecord<PolicyUpdate> element) throws Exception {
        submitUpdate(element.getValue());
    }

    /** An update received and not yet installed: as received (for a checkpoint) and its load. */
    private record PendingUpdate(PolicyUpdate update, Future<LoadedUpdate> loading) {}

    /** Hands an update to the loader thread; a mail installs it when it is ready. */
    private void submitUpdate(PolicyUpdate update) {
        pendingUpdates.add(new PendingUpdate(update, policyLoader.submit(() -> {
            LoadedUpdate loaded = load(update);
            try {
                mailbox.execute(this::installReadyUpdates, "tessera policy swap");
            } catch (RejectedExecutionException closing) {
                // the task is shutting down; close() releases the loaded policy
            }
            return loaded;
        })));
    }

    /** Installs, in order, the updates whose loading has finished. Runs on the task thread. */
    private void installReadyUpdates() throws Exception {
        while (!pendingUpdates.isEmpty() && pendingUpdates.peek().loading().isDone()) {
            install(result(pendingUpdates.poll().loading()));
        }
    }

    /** Waits for every update still loading and installs it (at the end of a bounded input). */
    private void awaitPolicyUpdates() throws Exception {
        while (!pendingUpdates.isEmpty()) {
            install(result(pendingUpdates.poll().loading()));
        }
    }

    private static LoadedUpdate result(Future<LoadedUpdate> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("loading a policy update failed", e.getCause());
        }
    }

    /**
     * Before a barrier: updates already loaded are installed (those still loading are checkpointed as pending,
     * see {@link #processElement2}). A swap still moving samples is checkpointed as it is (which samples still
     * run the older policy, and that policy), so a restore moves them over at the same steps as this run.
     *
     * <p>A third policy waiting behind a draining one: with one subtask it is checkpointed as a pending update
     * (see {@link #snapshotState}), so it waits in the restored operator as it does here and the barrier moves
     * no sample. With several, the policy state is written once for all (subtask 0), and subtasks need not be
     * at the same point of their swaps, so the barrier completes both swaps first ({@link
     * GenerationEngine#completeSwap}: every subtask then holds the newest policy and at most the one before
     * it, as the state assumes); that re-prefills every in-flight sample at once (a 409 ms step in
     * {@code bin/tessera rl}).
     */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        installReadyUpdates();
        if (engine.hasWaitingPolicy() && getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks() > 1) {
            long t0 = System.nanoTime();
            engine.completeSwap();
            swapStepMaxMs = Math.max(swapStepMaxMs, (System.nanoTime() - t0) / 1e6);
            closeReplacedPolicies();
        }
    }

    /**
     * A policy update read, verified and decoded: {@code policy} when usable, else {@code problem}. The loader
     * also prepares what installing it would otherwise do on the task thread: the update encoded with its
     * weights inline (checkpoint state) and, while the engine has none, a spare lane cache for the swap.
     */
    private record LoadedUpdate(PolicyUpdate update, byte[] weights, Policy policy, String problem, long loadNanos,
            byte[] encodedInline, io.tessera.generator.model.KvCache laneCache) {}

    /**
     * Reads and verifies an update's weights and decodes them into a {@link Policy} stamped with its version.
     * Touches nothing of the operator's mutable state, so it runs on the loader thread.
     */
    private LoadedUpdate load(PolicyUpdate update) {
        long started = System.nanoTime();
        byte[] weights;
        boolean verified = false;
        if (update.getWeights() != null) {
            ByteBuffer b = update.getWeights().duplicate();
            weights = new byte[b.remaining()];
            b.get(weights);
        } else if (update.getUri() != null) {
            URI uri;
            try {
                uri = URI.create(update.getUri());
            } catch (IllegalArgumentException e) {
                return refused(update, "uri '" + update.getUri() + "' is not a URI");
            }
            if (!"file".equals(uri.getScheme())) {
                return refused(update, "uri scheme of '" + update.getUri() + "' is not supported (only file:)");
            }
            try {
                weights = VerifiedWeights.read(Path.of(uri), update.getSha256()); // once per JVM for all subtasks
                verified = true;
            } catch (VerifiedWeights.ChecksumMismatch e) {
                return refused(update, e.getMessage());
            } catch (java.io.IOException | RuntimeException e) {
                return refused(update, "cannot read " + update.getUri() + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return refused(update, "interrupted while reading " + update.getUri());
            }
        } else {
            return refused(update, "the update has neither weights nor a uri");
        }
        if (!modelId.equals(update.getModelId())) {
            return refused(update, "modelId '" + update.getModelId() + "' does not match this generator's '"
                    + modelId + "'");
        }
        String actual = verified ? null : Policy.sha256(weights);
        if (!verified && !actual.equalsIgnoreCase(update.getSha256())) {
            return refused(update, "sha256 of the weights is " + actual + ", the update says " + update.getSha256());
        }
        Policy next;
        try (Policy base = Policy.fromBytes(weights, generator.policy().config())) {
            next = base.withVersion(update.getVersion()).prepare(); // RoPE tables here, not on the task thread
        } catch (RuntimeException e) {
            return refused(update, "the weights cannot be loaded: " + DeadLetters.describe(e));
        }
        byte[] encodedInline = loaderCodec.encode(PolicyUpdate.newBuilder(update).setWeights(ByteBuffer.wrap(weights))
                .setUri(null).build());
        io.tessera.generator.model.KvCache laneCache = engineHasSpareCache ? null : engine.newLaneCache(next);
        return new LoadedUpdate(update, weights, next, null, System.nanoTime() - started, encodedInline, laneCache);
    }

    private static LoadedUpdate refused(PolicyUpdate update, String problem) {
        return new LoadedUpdate(update, null, null, problem, 0L, null, null);
    }

    /**
     * Swaps a loaded update in (task thread): a refused one is dead-lettered (by subtask 0 only, so one dead
     * letter per update), a stale version is ignored, else the engine runs it from the next decode step.
     */
    private void install(LoadedUpdate loaded) {
        PolicyUpdate update = loaded.update();
        if (loaded.problem() != null) {
            LOG.warn("{}: policy update {} v{} rejected: {}", getOperatorName(), update.getPolicyName(),
                    update.getVersion(), loaded.problem());
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                output.collect(DeadLetters.TAG, new StreamRecord<>(DeadLetters.ofDecoded(Topics.POLICY.name(),
                        update.getPolicyName(), null, POLICY_STAGE, loaded.problem(), null)));
            }
            return;
        }
        long started = System.nanoTime();
        Policy next = loaded.policy();
        if (loaded.laneCache() != null && !engine.offerSpareCache(loaded.laneCache())) {
            loaded.laneCache().close();
        }
        long current = engine.policyVersion();
        if (update.getVersion() <= current) {
            LOG.info("{}: policy update v{} ignored: already running v{}", getOperatorName(), update.getVersion(),
                    current);
            next.close();
            return;
        }
        try {
            engine.swapPolicy(next);
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
        if (swappedIn != null) {
            replaced.add(swappedIn); // closed once no sample runs it any more
        }
        swappedIn = next;
        closeReplacedPolicies();
        appliedUpdate = loaded.encodedInline();
        engineHasSpareCache = engine.hasSpareCache();
        encodedUpdates.put(next, appliedUpdate);
        lastSwapLoadMs = loaded.loadNanos() / 1e6;
        long installNanos = System.nanoTime() - started;
        installs.add(installNanos / 1e6);
        if (engine.swapInProgress()) {
            swapLoadNanos = installNanos; // the next steps move the active samples over: the pause
            swapStepMaxMs = 0;
            scheduleStep();
        } else {
            recordSwapPause(installNanos / 1e6);
        }
        LOG.info("{}: swapped to policy {} v{} (loaded off-thread in {} ms, installed on the task thread in {} ms)",
                getOperatorName(), update.getPolicyName(), update.getVersion(), Math.round(lastSwapLoadMs),
                Math.round(installNanos / 1e6));
    }

    /** The request's samples as engine requests; throws when the generator cannot build them. */
    private List<SampleProgress> plan(GenerationRequest request, ConditionedRequest media) {
        SamplingParams p = request.getSampling();
        int perFrame = layout.generatedTokensPerFrame(request.getTask());
        long arrived = System.nanoTime();
        // VIDEO_TO_AUDIO generates audio for each conditioning frame (0 = as many as there are frames).
        int framesToGenerate = request.getTask() == Task.VIDEO_TO_AUDIO ? 0 : p.getFrames();
        SampleRequest template = null; // the media is tokenized once, for the first sample
        int bestOf = Math.max(1, p.getBestOf());
        if ((bestOf > 1 || hasGroupOf(request.getRequestId())) && holds(request.getRequestId())) {
            throw new IllegalArgumentException("request " + request.getRequestId() + " is already in flight");
        }
        List<SampleProgress> samples = new ArrayList<>(Math.multiplyExact(p.getSamples(), bestOf));
        for (int n = 0; n < p.getSamples() * bestOf; n++) {
            int i = n / bestOf;
            int c = n % bestOf;
            SampleMeta meta = new SampleMeta(request.getRequestId(), i, p.getSamples(), request.getTask(),
                    request.getPrompt(), request.getTenant(), p.getSeed(), c, bestOf);
            String sampleId = meta.sampleId();
            if (inFlight.containsKey(sampleId) || isWaiting(sampleId)) {
                throw new IllegalArgumentException("request " + request.getRequestId() + " is already in flight");
            }
            SamplingConfig sampling = new SamplingConfig(p.getTemperature(), p.getTopK(), p.getTopP(),
                    p.getGuidanceScale(), SampleMeta.candidateSeed(p.getSeed(), i, c, bestOf));
            SampleRequest sr;
            if (template == null) {
                sr = generator.sampleRequest(sampleId, request.getTask(), request.getPrompt(), media.frameImages(),
                        media.audioOrNull(), framesToGenerate, sampling, arrived);
                template = sr;
            } else {
                sr = new SampleRequest(sampleId, template.prefix(), template.unconditionalPrefix(),
                        template.maxNewTokens(), template.grammar(), sampling, arrived);
            }
            samples.add(SampleProgress.fresh(meta, sr, perFrame));
        }
        return samples;
    }

    /** A best-of group of this request is open. */
    private boolean hasGroupOf(String requestId) {
        return groups.values().stream().anyMatch(g -> g.returned.requestId().equals(requestId));
    }

    /** Any sample of this request is in the engine, waiting, or (as a finished candidate) in an open group. */
    private boolean holds(String requestId) {
        return hasGroupOf(requestId) || waiting.stream().anyMatch(w -> w.meta.requestId().equals(requestId))
                || inFlight.values().stream().anyMatch(w -> w.meta.requestId().equals(requestId));
    }

    private boolean isWaiting(String sampleId) {
        for (SampleProgress p : waiting) {
            if (p.sampleId().equals(sampleId)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Moves waiting samples into the engine in order. With {@code mayYield}, a full engine makes this wait
     * on the mailbox (running decode steps) until all are in; without, it stops at the first refusal.
     */
    private void admitWaiting(boolean mayYield) throws InterruptedException {
        while (!waiting.isEmpty()) {
            SampleProgress next = waiting.peek();
            Admission admission;
            try {
                SampleState from = next.resumeFrom;
                admission = from == null || (from.generated().length == 0 && !next.resumeOnDrainingPolicy)
                        ? engine.submit(next.request, listener)
                        : engine.resume(from, listener, next.resumeOnDrainingPolicy);
            } catch (RuntimeException e) {
                dropRequest(next, "engine refused the sample: " + DeadLetters.describe(e), e);
                continue;
            }
            if (admission == Admission.ACCEPTED) {
                waiting.poll();
                next.resumeFrom = null;
                inFlight.put(next.sampleId(), next);
                scheduleStep();
            } else if (mayYield) {
                scheduleStep();
                mailbox.yield();
            } else {
                return;
            }
        }
    }

    /**
     * Queues the next decode step as a mail. When the engine is idle and a batch window is set, the first step
     * waits for the window to close instead ({@link BatchWindow}: a quiet gap, or its longest wait): with no
     * mail queued the task reads every input record as it comes, so a burst of requests joins the first prefill
     * rather than waiting behind the first request's step. A full engine closes the window at once.
     */
    private void scheduleStep() {
        if (stepScheduled) {
            return;
        }
        var time = getProcessingTimeService();
        boolean firstStepFull = engine.nextStepFull() || !engine.hasCapacity();
        if (batchWindowOpen) {
            if (!firstStepFull) {
                windowLastArrivalAt = time.getCurrentProcessingTime();
                return;
            }
            batchWindowOpen = false; // no more can join the first step: step now
        } else if (batchWindow.enabled() && engine.active() == 0 && inputSinceLastMail && !firstStepFull) {
            batchWindowOpen = true;
            windowOpenedAt = windowLastArrivalAt = time.getCurrentProcessingTime();
            time.registerTimer(batchWindow.closesAt(windowOpenedAt, windowLastArrivalAt), this::onBatchWindowTimer);
            return;
        }
        queueStep();
    }

    /** The batch window's timer: closes the window and queues the first step, or waits on for a later arrival. */
    private void onBatchWindowTimer(long timestamp) {
        if (!batchWindowOpen) {
            return; // closed early by a full engine
        }
        long closesAt = batchWindow.closesAt(windowOpenedAt, windowLastArrivalAt);
        if (getProcessingTimeService().getCurrentProcessingTime() < closesAt) {
            getProcessingTimeService().registerTimer(closesAt, this::onBatchWindowTimer);
            return;
        }
        batchWindowOpen = false;
        queueStep();
    }

    private void queueStep() {
        if (!stepScheduled) {
            stepScheduled = true;
            mailbox.execute(this::step, "tessera decode step");
        }
    }

    /**
     * One engine step as a mail; re-enqueues itself while there is work, so input and checkpoints interleave.
     *
     * <p>While any mail is queued, Flink's task reads one input record per mailbox loop, so with the step
     * mail always queued a burst of N requests would join the batch one decode step apart. When a request
     * arrived since the last mail and the engine has room, the step is put off once more (a cheap mail)
     * so the next pending record is read first: a burst joins the same step. The deferral ends when the
     * input is drained, the engine is full, or {@link #maxBatch} steps were put off in a row; a full
     * engine always steps, which is what {@code processElement}'s yield waits for.
     */
    private void step() throws Exception {
        stepScheduled = false;
        if (engine == null) {
            return; // closed
        }
        admitWaiting(false);
        if (inputSinceLastMail && waiting.isEmpty() && engine.hasCapacity() && deferredSteps < maxBatch) {
            inputSinceLastMail = false;
            deferredSteps++;
            scheduleStep();
            return;
        }
        inputSinceLastMail = false;
        deferredSteps = 0;
        if (engine.admitted() > 0) {
            timedStep();
        }
        if (engine.admitted() > 0 || !waiting.isEmpty()) {
            scheduleStep();
        }
    }

    /** Runs the engine until every admitted and waiting sample has finished (end of a bounded input). */
    private void drain() throws Exception {
        while (!waiting.isEmpty() || engine.admitted() > 0) {
            admitWaiting(false);
            timedStep();
        }
    }

    /**
     * One engine step, timed. While a swap moves in-flight samples to the new weights, each step also
     * re-prefills a bounded number of their tokens; the swap's pause is the longest of those steps (the first
     * one plus installing the weights).
     */
    private void timedStep() throws Exception {
        long t0 = System.nanoTime();
        int queuedBefore = engine.queued();
        engine.step();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (LOG.isTraceEnabled()) {
            LOG.trace("step {} ms: {} admitted from the queue, {} tokens moved to a new policy, {} active, {} waiting",
                    String.format("%.1f", ms), queuedBefore - engine.queued(), engine.lastStepMovedTokens(),
                    engine.active(), waiting.size());
        }
        if (swapLoadNanos >= 0) {
            swapStepMaxMs = Math.max(swapStepMaxMs, ms + swapLoadNanos / 1e6);
            swapSteps.add(ms);
            swapLoadNanos = 0; // install time counts once
            if (!engine.swapInProgress()) {
                recordSwapPause(swapStepMaxMs);
                swapLoadNanos = -1;
                closeReplacedPolicies();
            }
        } else {
            normalStepMaxMs = Math.max(normalStepMaxMs, ms);
            otherSteps.add(ms);
            normalStepTotalMs += ms;
            normalSteps++;
            normalStepMeanMs = normalStepTotalMs / normalSteps;
        }
        rethrowEmitFailure();
    }

    private void recordSwapPause(double ms) {
        lastSwapPauseMs = ms;
        swapPauseMaxMs = Math.max(swapPauseMaxMs, ms);
    }

    /** One line on how swaps went, against the usual step, when the operator closes after swapping. */
    private void logSwapSummary() {
        if (installs == null || installs.count() == 0) {
            return;
        }
        LOG.info("{}: {} swaps installed on the task thread in at most {} ms; decode steps while an older policy"
                        + " still ran {}; other decode steps {}", getOperatorName(), installs.count(),
                String.format(java.util.Locale.ROOT, "%.1f", installs.max()), swapSteps.summary(),
                otherSteps.summary());
    }

    /** Closes the replaced policies the engine no longer runs. */
    private void closeReplacedPolicies() {
        for (var it = replaced.iterator(); it.hasNext(); ) {
            Policy p = it.next();
            if (!engine.uses(p)) {
                p.close();
                encodedUpdates.remove(p);
                it.remove();
            }
        }
    }

    private void rethrowEmitFailure() throws Exception {
        Throwable failure = emitFailure;
        if (failure != null) {
            if (failure instanceof Exception e) {
                throw e;
            }
            throw (Error) failure;
        }
    }

    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId == 1) {
            drain();
        } else {
            awaitPolicyUpdates();
        }
    }

    @Override
    public void finish() throws Exception {
        awaitPolicyUpdates();
        drain();
        super.finish();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        long now = System.nanoTime();
        List<byte[]> entries = new ArrayList<>();
        for (SampleState state : engine.snapshot()) {
            SampleProgress p = inFlight.get(state.request().sampleId());
            if (p == null) {
                throw new IllegalStateException("engine holds sample " + state.request().sampleId()
                        + " the operator does not know");
            }
            entries.add(InFlightCodec.encode(p.meta, state, now));
        }
        for (SampleProgress p : waiting) {
            SampleState state = p.resumeFrom != null ? p.resumeFrom
                    : new SampleState(p.request, new int[0], new float[0], new long[0]);
            entries.add(InFlightCodec.encode(p.meta, state, now));
        }
        for (CandidateGroup g : groups.values()) {
            for (CandidateGroup.Finished f : g.finishedSoFar()) {
                entries.add(InFlightCodec.encode(f.meta(), f.state(), f.finish(), now));
            }
        }
        checkpointed.update(entries);
        boolean writer = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
        // One subtask only (see prepareSnapshotPreBarrier): the running policy, and (pending, first) the one
        // that waits behind a draining swap: three policies in the engine are checkpointed as two installed
        // and one to load again.
        Policy waitingPolicy = engine.waitingPolicy();
        byte[] running = appliedUpdate;
        if (waitingPolicy != null) {
            Policy runningPolicy = engine.runningPolicy();
            running = runningPolicy == generator.policy() ? null : encodedUpdates.get(runningPolicy);
            if ((running == null && runningPolicy != generator.policy()) || encodedUpdates.get(waitingPolicy) == null) {
                throw new IllegalStateException("policy v" + runningPolicy.version() + " or the waiting v"
                        + waitingPolicy.version() + " has no update to checkpoint");
            }
        }
        policyState.update(writer && running != null ? List.of(running) : List.of());
        List<byte[]> pending = new ArrayList<>();
        if (writer) {
            if (waitingPolicy != null) {
                pending.add(encodedUpdates.get(waitingPolicy));
            }
            pendingUpdates.forEach(u -> pending.add(updateCodec.encode(u.update())));
        }
        pendingPolicyState.update(pending);
        Policy drainingPolicy = engine.drainingPolicy();
        List<String> drainingIds = new ArrayList<>();
        if (drainingPolicy != null) {
            for (SampleProgress p : inFlight.values()) {
                if (engine.onDrainingPolicy(p.sampleId())) {
                    drainingIds.add(p.sampleId());
                }
            }
            for (SampleProgress p : waiting) {
                if (p.resumeOnDrainingPolicy) {
                    drainingIds.add(p.sampleId());
                }
            }
        }
        if (drainingIds.isEmpty()) {
            drainingPolicyState.update(List.of());
        } else {
            byte[] encoded = drainingPolicy == generator.policy() ? new byte[0] : encodedUpdates.get(drainingPolicy);
            if (encoded == null) {
                throw new IllegalStateException("the draining policy v" + drainingPolicy.version()
                        + " has no update to checkpoint");
            }
            drainingPolicyState.update(List.of(encoded)); // each draining subtask writes it: the same policy
        }
        drainingSamplesState.update(drainingIds);
    }

    @Override
    public void close() throws Exception {
        try {
            logSwapSummary();
            closePolicyLoader();
            if (engine != null) {
                engine.close();
            }
            if (swappedIn != null) {
                swappedIn.close();
            }
            if (replaced != null) {
                replaced.forEach(Policy::close);
            }
            if (verifier != null) {
                verifier.close();
            }
            if (generator != null) {
                generator.close();
            }
        } finally {
            engine = null;
            swappedIn = null;
            replaced = null;
            encodedUpdates = null;
            verifier = null;
            generator = null;
            super.close();
        }
    }

    /** Stops the loader thread and frees policies it loaded that were never installed. */
    private void closePolicyLoader() throws InterruptedException {
        if (policyLoader == null) {
            return;
        }
        policyLoader.shutdownNow();
        policyLoader.awaitTermination(30, TimeUnit.SECONDS);
        for (Future<LoadedUpdate> f : pendingUpdates.stream().map(PendingUpdate::loading).toList()) {
            try {
                if (f.isDone() && !f.isCancelled() && f.get().policy() != null) {
                    f.get().policy().close();
                    if (f.get().laneCache() != null) {
                        f.get().laneCache().close();
                    }
                }
            } catch (ExecutionException e) {
                LOG.debug("a policy update failed to load while closing", e);
            }
        }
        pendingUpdates.clear();
        policyLoader = null;
    }

    /** Dead-letters a request; samples of it already in the engine are cancelled (they end CANCELLED). */
    private void dropRequest(SampleProgress failed, String reason, Throwable error) {
        String requestId = failed.meta.requestId();
        List<SampleProgress> candidates = new ArrayList<>();
        for (var it = waiting.iterator(); it.hasNext(); ) {
            SampleProgress p = it.next();
            if (p.meta.requestId().equals(requestId)) {
                it.remove();
                if (p.meta.isCandidate()) {
                    candidates.add(p); // its group must still end (CANCELLED), or it would stay open forever
                }
            }
        }
        for (CandidateGroup g : groups.values()) {
            if (g.returned.requestId().equals(requestId)) {
                g.cancelled = true;
            }
        }
        for (SampleProgress p : candidates) {
            candidateFinished(p, FinishReason.CANCELLED, NOT_STARTED);
        }
        for (SampleProgress p : new ArrayList<>(inFlight.values())) {
            if (p.meta.requestId().equals(requestId)) {
                engine.cancel(p.sampleId());
            }
        }
        if (emitFailure != null) {
            throw new IllegalStateException("emitting the cancelled samples failed", emitFailure);
        }
        output.collect(DeadLetters.TAG, new StreamRecord<>(DeadLetters.ofDecoded(Topics.PROMPTS.name(), requestId, null,
                STAGE, reason, error)));
    }

    private void reject(GenerationRequest request, String reason, Throwable error) {
        byte[] value = null;
        try {
            value = requestCodec.encode(request);
        } catch (RuntimeException ignored) {
            // the reason still names the request
        }
        output.collect(DeadLetters.TAG, new StreamRecord<>(DeadLetters.ofDecoded(Topics.PROMPTS.name(),
                request.getRequestId(), value, STAGE, reason, error)));
    }

    @VisibleForTesting
    int admittedSamples() {
        return engine.admitted();
    }

    /** Test access: waits for policy updates still loading and installs them, as a checkpoint would. */
    @VisibleForTesting
    void awaitPendingPolicyUpdates() throws Exception {
        awaitPolicyUpdates();
    }

    /** Test access: no policy update is still loading (installing one may still wait in the mailbox). */
    @VisibleForTesting
    boolean policyUpdatesLoaded() {
        return pendingUpdates.stream().allMatch(u -> u.loading().isDone());
    }

    @VisibleForTesting
    boolean swapInProgress() {
        return engine.swapInProgress();
    }

    @VisibleForTesting
    boolean policyWaiting() {
        return engine.hasWaitingPolicy();
    }

    @VisibleForTesting
    long policyVersion() {
        return engine.policyVersion();
    }

    @VisibleForTesting
    double swapPauseMaxMs() {
        return swapPauseMaxMs;
    }

    @VisibleForTesting
    double normalStepMaxMs() {
        return normalStepMaxMs;
    }

    @VisibleForTesting
    double lastSwapLoadMs() {
        return lastSwapLoadMs;
    }

    @VisibleForTesting
    double normalStepMeanMs() {
        return normalStepMeanMs;
    }

    @VisibleForTesting
    int inFlightSamples() {
        return inFlight.size() + waiting.size();
    }

    /** Best-of groups still waiting for candidates. */
    @VisibleForTesting
    int openBestOfGroups() {
        return groups.size();
    }

    /** Finished best-of candidates waiting for their siblings. */
    @VisibleForTesting
    int finishedCandidatesWaiting() {
        return groups.values().stream().mapToInt(g -> g.finishedSoFar().size()).sum();
    }

    /** Tokens from the engine become chunks; a finished sample becomes its final chunk and its record. */
    private final class Listener implements TokenListener {

        @Override
        public void onToken(String sampleId, int position, int token, float logprob, long policyVersion) {
            if (emitFailure != null) {
                return; // the task is failing; the step's caller rethrows
            }
            try {
                emitToken(sampleId, position, token, logprob, policyVersion);
            } catch (RuntimeException | Error e) {
                emitFailure = e;
            }
        }

        @Override
        public void onFinished(String sampleId, io.tessera.generator.engine.FinishReason reason, SampleTimings timings) {
            if (emitFailure != null) {
                return;
            }
            try {
                emitFinished(sampleId, reason, timings);
            } catch (RuntimeException | Error e) {
                emitFailure = e;
            }
        }

        private void emitToken(String sampleId, int position, int token, float logprob, long policyVersion) {
            SampleProgress p = inFlight.get(sampleId);
            if (p == null) {
                throw new IllegalStateException("token for unknown sample " + sampleId);
            }
            p.append(position, token, logprob, policyVersion);
            tokensOut.inc();
            if (!p.meta.isCandidate() && p.frameReadyBeforeEnd()) { // candidates send nothing until chosen
                output.collect(new StreamRecord<>(p.takeChunk(false, null, policyVersion)));
            }
        }

        private void emitFinished(String sampleId, io.tessera.generator.engine.FinishReason reason,
                SampleTimings timings) {
            SampleProgress p = inFlight.remove(sampleId);
            if (p == null) {
                throw new IllegalStateException("finish of unknown sample " + sampleId);
            }
            FinishReason why = FinishReason.valueOf(reason.name());
            if (p.meta.isCandidate()) {
                candidateFinished(p, why, timings);
                return;
            }
            long version = engine.policyVersion();
            output.collect(new StreamRecord<>(p.takeChunk(true, why, version)));
            output.collect(COMPLETED, new StreamRecord<>(completed(p, why, timings, version, List.of())));
            if (timings.firstTokenNanos() >= 0) {
                timeToFirstTokenMs.update(TimeUnit.NANOSECONDS.toMillis(timings.firstTokenNanos()));
            }
        }
    }

    private GenerationCompleted completed(SampleProgress p, FinishReason why, SampleTimings t, long version,
            List<Double> verifierScores) {
        int[] tokens = p.tokens();
        float[] logprobs = p.logprobs();
        return GenerationCompleted.newBuilder()
                .setRequestId(p.meta.requestId())
                .setSampleIndex(p.meta.sampleIndex())
                .setSamples(p.meta.samples())
                .setTask(p.meta.task())
                .setPrompt(p.meta.prompt())
                .setTenant(p.meta.tenant())
                .setPrefixTokens(Ints.list(p.request.prefix(), 0, p.request.prefix().length))
                .setTokens(Ints.list(tokens, 0, tokens.length))
                .setLogprobs(Ints.floatList(logprobs, 0, logprobs.length))
                .setPolicyVersion(p.lastVersion(version))
                .setFirstPolicyVersion(p.firstVersion(version))
                .setModelId(modelId)
                .setFinishReason(why)
                .setSeed(p.request.sampling().seed())
                .setQueuedMs(millis(t.queuedNanos()))
                .setTimeToFirstTokenMs(t.firstTokenNanos() < 0 ? -1 : millis(t.firstTokenNanos()))
                .setTotalMs(millis(t.totalNanos()))
                .setCompletedAtMs(System.currentTimeMillis())
                .setBestOf(p.meta.bestOf())
                .setVerifierScores(verifierScores)
                .build();
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
