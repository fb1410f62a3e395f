package io.tessera.generator.engine;

import io.tessera.generator.model.KvCache;
import io.tessera.generator.model.Policy;
import io.tessera.generator.sampling.Sampler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous batching over one policy. Not thread-safe: one thread calls every method (in Flink,
 * the operator's task thread). The contract, which {@code GenerationEngineTest} pins:
 *
 * <ul>
 *   <li>{@link #submit} admits a sample into the queue or answers {@link Admission#FULL}; it never
 *       blocks and never grows past {@link EngineConfig#maxBatch()} + {@link EngineConfig#maxQueue()}.
 *   <li>{@link #step} moves queued samples into free slots (prefill), then runs one decode step for
 *       every active sample, calling the listener with each sampled token, and finishing samples
 *       that reach their length or end of sequence. Samples join and leave between steps.
 *   <li>The token sampled at position p of a sample depends only on the policy, the prefix, the
 *       tokens before p, and (seed, p): batched generation equals one-at-a-time generation.
 *   <li>{@link #cancel} frees the slot at once and calls {@code onFinished(CANCELLED)}.
 *   <li>{@link #swapPolicy} takes effect from the next decode step without a pause: samples admitted from
 *       then on run the new weights at once, in-flight samples move over a few at a time (below); each
 *       token reports the version that sampled it.
 *   <li>{@link #snapshot} captures every admitted sample; {@link #resume} re-admits one (rebuilding
 *       its KV cache from prefix + generated tokens) so it continues exactly where it stopped.
 * </ul>
 *
 * <p>How: one {@link KvCache} with {@code maxBatch} slots, kept dense (a finishing sample's slot is
 * filled by the last used one), so a decode step is one batched forward over slots {@code 0..used-1}.
 * A guided sample (classifier-free guidance) holds two slots, its conditional and its unconditional
 * sequence, and counts as two against {@code maxBatch}, until its guided tokens end
 * ({@link SamplingConfig#guidedTokens()}); then its unconditional slot is freed. Each slot holds all its tokens but the last
 * in the cache; the decode step feeds that pending token.
 *
 * <p>Swaps: keys and values of one policy are never mixed with another's, so the determinism rule above
 * holds across swaps: a token sampled under version v saw a cache computed by v alone. The engine keeps two
 * lanes, each a policy with its own dense {@link KvCache}. A swap makes the running lane the <em>draining</em>
 * one and opens a new lane for the new policy; every step then moves the draining lane's oldest samples over
 * (re-prefilling their tokens under the new weights) until {@link EngineConfig#swapPrefillTokens()} tokens
 * were re-prefilled (at least one sample), and decodes both lanes, each under its own policy. Samples not
 * yet moved keep sampling under the old weights, so a swap costs each step at most that bounded prefill
 * instead of re-prefilling everything at once. When the draining lane is empty its cache is kept as the
 * spare for the next swap. A swap that arrives while one is draining waits for it (the newest waiting
 * policy wins); {@link #completeSwap} moves every remaining sample at once. A snapshot taken during a swap
 * says which samples still run the draining policy ({@link #onDrainingPolicy}, {@link #drainingPolicy}); a
 * fresh engine on the newest policy rebuilds both lanes with {@link #restoreSwapFrom} and {@code resume(..,
 * true)}, and its samples then move over at the same steps as in the engine that was snapshotted (moving
 * depends only on the draining lane's order and the budget). A sample also ends ({@link FinishReason#LENGTH}) when
 * its sequence reaches {@code min(maxSequenceLength, model maxSeqLen)} tokens. The engine does not
 * close the policies it is given: the caller owns them and may close one once {@link #uses} says no.
 */
public final class GenerationEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationEngine.class);

    private final EngineConfig config;
    private final int maxLen;
    private final ArrayDeque<Sample> queue = new ArrayDeque<>();
    /** Active samples in admission order. */
    private final Map<String, Sample> active = new LinkedHashMap<>();
    /** The newest policy's lane: new samples go here. */
    private Lane current;
    /** While a swap is in progress, the previous policy's lane; its samples move to {@link #current}. */
    private Lane draining;
    /** The cache of the last drained lane, reused by the next swap (null until the first swap). */
    private KvCache spare;
    /** The newest policy given while a swap was still draining; it starts when that one ends. */
    private Policy waitingPolicy;
    /** Tokens re-prefilled by the last step to move samples to a new policy (0 when no swap is draining). */
    private int lastStepMovedTokens;
    private boolean closed;

    public GenerationEngine(io.tessera.generator.model.Policy policy, EngineConfig config) {
        Objects.requireNonNull(policy, "policy");
        this.config = Objects.requireNonNull(config, "config");
        this.maxLen = Math.min(config.maxSequenceLength(), policy.config().maxSeqLen());
        this.current = new Lane(policy, newLaneCache(policy), config.maxBatch());
    }

    public Admission submit(SampleRequest request, TokenListener listener) {
        return admit(new Sample(request, listener, new int[0], new float[0], new long[0]));
    }

    public Admission resume(SampleState state, TokenListener listener) {
        return resume(state, listener, false);
    }

    /**
     * As {@link #resume(SampleState, TokenListener)}; with {@code onDrainingPolicy} the sample re-enters the
     * draining lane (see {@link #restoreSwapFrom}) and moves to the newest policy when its turn comes, as it
     * would have in the engine that was snapshotted.
     */
    public Admission resume(SampleState state, TokenListener listener, boolean onDrainingPolicy) {
        Sample s = new Sample(state.request(), listener, state.generated(), state.logprobs(), state.versions());
        s.resumeDraining = onDrainingPolicy;
        return admit(s);
    }

    private Admission admit(Sample s) {
        ensureOpen();
        Objects.requireNonNull(s.listener, "listener");
        SampleRequest r = s.request;
        if (active.containsKey(r.sampleId()) || queue.stream().anyMatch(q -> q.request.sampleId().equals(r.sampleId()))) {
            throw new IllegalArgumentException("sample " + r.sampleId() + " is already admitted");
        }
        if (s.slotsNeeded() > config.maxBatch()) {
            throw new IllegalArgumentException("sample " + r.sampleId() + " needs " + s.slotsNeeded()
                    + " slots (guided) but maxBatch is " + config.maxBatch());
        }
        int longest = Math.max(r.prefix().length, s.uncond == null ? 0 : r.unconditionalPrefix().length);
        if (longest >= maxLen) {
            throw new IllegalArgumentException("sample " + r.sampleId() + " has a prefix of " + longest
                    + " tokens; this engine holds sequences of at most " + maxLen + " tokens, prefix included");
        }
        int vocab = current.policy.config().vocabSize();
        checkIds(r.prefix(), vocab, r.sampleId());
        if (r.unconditionalPrefix() != null) {
            checkIds(r.unconditionalPrefix(), vocab, r.sampleId());
        }
        for (int i = 0; i < r.grammar().period(); i++) {
            if (r.grammar().lo()[i] >= vocab) {
                throw new IllegalArgumentException("sample " + r.sampleId() + " has a grammar range starting at id "
                        + r.grammar().lo()[i] + " (period position " + i + "), outside the vocabulary [0, " + vocab + ")");
            }
        }
        if (!hasCapacity()) {
            return Admission.FULL;
        }
        queue.addLast(s);
        return Admission.ACCEPTED;
    }

    private static void checkIds(int[] ids, int vocab, String sampleId) {
        for (int id : ids) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("sample " + sampleId + " has token id " + id
                        + " outside the vocabulary [0, " + vocab + ")");
            }
        }
    }

    public boolean cancel(String sampleId) {
        for (Iterator<Sample> it = queue.iterator(); it.hasNext(); ) {
            Sample s = it.next();
            if (s.request.sampleId().equals(sampleId)) {
                it.remove();
                finish(s, FinishReason.CANCELLED);
                return true;
            }
        }
        Sample s = active.get(sampleId);
        if (s == null) {
            return false;
        }
        release(List.of(s));
        finish(s, FinishReason.CANCELLED);
        return true;
    }

    /** Runs one prefill-and-decode step; returns how many samples are admitted afterwards. */
    public int step() {
        ensureOpen();
        admitQueued();
        lastStepMovedTokens = draining == null ? 0 : moveToCurrent(config.swapPrefillTokens());
        if (used() == 0) {
            return admitted();
        }
        // Rows are fixed now: a listener may cancel or submit from its callback, which can move slots.
        List<Sample> stepped = new ArrayList<>(active.values());
        int n = stepped.size();
        int vocab = current.policy.config().vocabSize();
        // The draws are pure functions of (logits, request, position), so each row range of a decode step is drawn
        // on the thread that decoded it as soon as its logits are in (a guided sample whose two rows fall in
        // different ranges is drawn after the step); the listeners then hear them in row order on this thread.
        Draws draws = new Draws(stepped, vocab);
        float[] currentLogits;
        float[] drainingLogits;
        try {
            currentLogits = current.decode(draws.of(current));
            drainingLogits = draining == null ? null : draining.decode(draws.of(draining));
        } catch (RuntimeException e) {
            LOG.error("decode step failed for {} samples; finishing them with ERROR", active.size(), e);
            List<Sample> all = new ArrayList<>(active.values());
            release(all);
            all.forEach(s -> finish(s, FinishReason.ERROR));
            return admitted();
        }
        List<Sample> done = new ArrayList<>();
        List<FinishReason> reasons = new ArrayList<>();
        List<Sample> unguided = new ArrayList<>(); // past their guided tokens: their unconditional slot is freed
        long[] versionOf = new long[n];
        for (int k = 0; k < n; k++) {
            Sample s = stepped.get(k);
            versionOf[k] = s.lane.policy.version();
            s.cond.cached++;
            if (s.uncond != null) {
                s.uncond.cached++;
            }
            draws.drawIfMissing(k, s.lane == current ? currentLogits : drainingLogits);
        }
        for (int k = 0; k < n; k++) {
            Sample s = stepped.get(k);
            if (active.get(s.request.sampleId()) != s) {
                continue; // cancelled by a listener earlier in this step
            }
            int position = s.count;
            SampleRequest r = s.request;
            FinishReason reason;
            try {
                Sampler.Draw d = draws.get(k);
                s.append(d.token(), d.logprob(), versionOf[k]);
                if (s.firstTokenAt < 0) {
                    s.firstTokenAt = System.nanoTime();
                }
                s.listener.onToken(r.sampleId(), position, d.token(), d.logprob(), versionOf[k]);
                reason = finishReason(s, d.token());
            } catch (RuntimeException e) {
                LOG.error("sample {} failed at position {}; finishing it with ERROR", r.sampleId(), position, e);
                reason = FinishReason.ERROR;
            }
            if (reason != null) {
                done.add(s);
                reasons.add(reason);
            } else {
                s.cond.pending = s.lastToken();
                if (s.uncond != null) {
                    s.uncond.pending = s.lastToken();
                    if (!r.guidedAt(s.count)) {
                        unguided.add(s);
                    }
                }
            }
        }
        for (Sample s : unguided) {
            if (active.get(s.request.sampleId()) == s) { // not cancelled from a callback
                s.lane.removeUnconditional(s);
            }
        }
        for (int i = done.size() - 1; i >= 0; i--) {
            if (active.get(done.get(i).request.sampleId()) != done.get(i)) { // cancelled from a callback
                done.remove(i);
                reasons.remove(i);
            }
        }
        if (!done.isEmpty()) {
            release(done);
            for (int i = 0; i < done.size(); i++) {
                finish(done.get(i), reasons.get(i));
            }
        }
        return admitted();
    }

    /** Why the sample ends after sampling {@code token}, or null if it continues. */
    private FinishReason finishReason(Sample s, int token) {
        int eos = current.policy.config().endOfSequence();
        if (eos >= 0 && token == eos) {
            return FinishReason.END_OF_SEQUENCE;
        }
        if (s.count >= s.request.maxNewTokens()) {
            return FinishReason.LENGTH;
        }
        // the sequence (prefix + generated, = cached + 1 tokens) may not grow past maxLen
        if (s.cond.cached + 1 >= maxLen || (s.uncond != null && s.uncond.cached + 1 >= maxLen)) {
            return FinishReason.LENGTH;
        }
        return null;
    }

    private void admitQueued() {
        List<Sample> admittedNow = new ArrayList<>();
        while (!queue.isEmpty() && queue.peekFirst().slotsNeeded() <= config.maxBatch() - used()) {
            Sample s = queue.pollFirst();
            s.startedAt = System.nanoTime();
            int longest = s.request.prefix().length
                    + (s.uncond == null ? 0 : Math.max(0, s.request.unconditionalPrefix().length - s.request.prefix().length));
            if (s.count >= s.request.maxNewTokens() || longest + s.count >= maxLen) { // resumed after its last token
                finish(s, FinishReason.LENGTH);
                continue;
            }
            Lane lane = s.resumeDraining && draining != null ? draining : current;
            lane.place(s);
            active.put(s.request.sampleId(), s);
            admittedNow.add(s);
        }
        if (admittedNow.isEmpty()) {
            return;
        }
        List<Sample> toDraining = admittedNow.stream().filter(s -> s.lane == draining).toList();
        prefill(current, admittedNow.stream().filter(s -> s.lane == current).toList());
        if (!toDraining.isEmpty()) {
            prefill(draining, toDraining);
        }
    }

    /**
     * Writes prefix + generated, all but the last token, into each sample's slots of {@code lane} under its
     * policy (one batched forward for all of them); the last token becomes pending.
     */
    private void prefill(Lane lane, List<Sample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        List<Seq> seqs = new ArrayList<>();
        List<int[]> rows = new ArrayList<>();
        for (Sample s : samples) {
            int[] generated = s.generated();
            seqs.add(s.cond);
            rows.add(concat(s.request.prefix(), generated));
            if (s.uncond != null) {
                seqs.add(s.uncond);
                rows.add(concat(s.request.unconditionalPrefix(), generated));
            }
        }
        int[] slotIds = new int[seqs.size()];
        int[][] cached = new int[seqs.size()][];
        for (int i = 0; i < seqs.size(); i++) {
            int[] all = rows.get(i);
            slotIds[i] = seqs.get(i).slot;
            cached[i] = Arrays.copyOf(all, all.length - 1);
        }
        try {
            lane.cache.prefill(lane.policy, slotIds, cached);
        } catch (RuntimeException e) {
            LOG.error("prefill failed for {} samples; finishing them with ERROR", samples.size(), e);
            release(samples);
            samples.forEach(s -> finish(s, FinishReason.ERROR));
            return;
        }
        for (int i = 0; i < seqs.size(); i++) {
            int[] all = rows.get(i);
            seqs.get(i).cached = all.length - 1;
            seqs.get(i).pending = all[all.length - 1];
        }
    }

    /**
     * Moves the draining lane's oldest samples to the current lane until {@code budget} tokens were
     * re-prefilled (at least one sample moves, none with a budget of 0); ends the swap when the draining lane is empty, then starts
     * the waiting one if any. Returns the tokens re-prefilled.
     */
    private int moveToCurrent(int budget) {
        List<Sample> moving = new ArrayList<>();
        int tokens = 0;
        for (Sample s : budget == 0 ? List.<Sample>of() : active.values()) { // 0: samples finish where they run
            if (s.lane != draining) {
                continue;
            }
            int cost = s.cond.cached + (s.uncond == null ? 0 : s.uncond.cached);
            if (!moving.isEmpty() && tokens + cost > budget) {
                break;
            }
            moving.add(s);
            tokens += cost;
        }
        for (Sample s : moving) {
            draining.remove(s);
            current.place(s);
        }
        prefill(current, moving);
        if (draining.used == 0) {
            spare = draining.cache;
            draining = null;
            if (waitingPolicy != null) {
                Policy next = waitingPolicy;
                waitingPolicy = null;
                startSwap(next);
            }
        }
        return tokens;
    }

    private static int[] concat(int[] prefix, int[] generated) {
        int[] all = Arrays.copyOf(prefix, prefix.length + generated.length);
        System.arraycopy(generated, 0, all, prefix.length, generated.length);
        return all;
    }

    /** Removes samples from the active set and frees their slots (each lane stays dense). */
    private void release(List<Sample> leaving) {
        for (Sample s : leaving) {
            if (active.remove(s.request.sampleId()) == null) {
                continue;
            }
            s.lane.remove(s);
        }
    }

    private void finish(Sample s, FinishReason reason) {
        long now = System.nanoTime();
        long arrived = s.request.arrivedAtNanos();
        SampleTimings t = new SampleTimings(
                (s.startedAt < 0 ? now : s.startedAt) - arrived,
                s.firstTokenAt < 0 ? -1 : s.firstTokenAt - arrived,
                now - arrived,
                s.count);
        try {
            s.listener.onFinished(s.request.sampleId(), reason, t);
        } catch (RuntimeException e) {
            LOG.error("listener failed on onFinished for sample {}", s.request.sampleId(), e);
        }
    }

    /**
     * Whether the queued samples already take every slot the next step has free (a guided sample takes two):
     * a sample submitted now could not join that step.
     */
    public boolean nextStepFull() {
        int free = config.maxBatch() - used();
        int needed = 0;
        for (Sample s : queue) {
            needed += s.slotsNeeded();
            if (needed >= free) {
                return true;
            }
        }
        return free <= 0;
    }

    /** Samples admitted (active plus queued). */
    public int admitted() {
        return active.size() + queue.size();
    }

    public int active() {
        return active.size();
    }

    public int queued() {
        return queue.size();
    }

    /**
     * Whether {@link #submit} would accept a sample now: admitted samples stay below
     * {@code maxBatch + maxQueue}, and queued samples stay below {@code maxQueue} plus the slots that
     * are free for them at the next step.
     */
    public boolean hasCapacity() {
        int freeSlots = config.maxBatch() - used();
        return admitted() < config.maxBatch() + config.maxQueue() && queue.size() < config.maxQueue() + freeSlots;
    }

    /** Every admitted sample (active in admission order, then queued), as plain data for a checkpoint. */
    public List<SampleState> snapshot() {
        List<SampleState> out = new ArrayList<>(admitted());
        for (Sample s : active.values()) {
            out.add(s.state());
        }
        for (Sample s : queue) {
            out.add(s.state());
        }
        return out;
    }

    /**
     * Runs {@code next} from the next decode step: new samples at once, in-flight ones as they move over (see
     * the class comment). The caller keeps ownership of every policy; {@link #uses} says when one is free.
     */
    public void swapPolicy(io.tessera.generator.model.Policy next) {
        ensureOpen();
        Objects.requireNonNull(next, "next");
        Policy policy = current.policy;
        if (!next.config().equals(policy.config())) {
            throw new IllegalArgumentException("cannot swap to a policy of another model config: " + next.config().id()
                    + " (" + next.config() + ") vs " + policy.config().id());
        }
        if (!next.device().equals(policy.device())) {
            throw new IllegalArgumentException("cannot swap to a policy on " + next.device() + "; the engine runs on "
                    + policy.device());
        }
        if (draining != null) {
            waitingPolicy = next; // a newer one replaces an older waiting one, which never ran
            return;
        }
        startSwap(next);
    }

    /**
     * A KV cache shaped for one of this engine's lanes (hundreds of MB for a batch of 32: allocating and zeroing
     * it took the decoding thread 0.1-0.4 s at a first swap). Reads only immutable configuration, so a loader
     * thread may build it while the engine decodes, then hand it over with {@link #offerSpareCache}.
     */
    public KvCache newLaneCache(Policy policy) {
        return new KvCache(policy, config.maxBatch(), maxLen, config.decodeShards());
    }

    /** Whether a swap would find a lane cache ready (no allocation on the decoding thread). */
    public boolean hasSpareCache() {
        return spare != null;
    }

    /**
     * Keeps {@code cache} (from {@link #newLaneCache}) for the next swap if the engine has none; returns false
     * when it already has one, and the caller closes {@code cache}.
     */
    public boolean offerSpareCache(KvCache cache) {
        ensureOpen();
        if (spare != null) {
            return false;
        }
        spare = cache;
        return true;
    }

    private void startSwap(Policy next) {
        if (current.used == 0) {
            current.policy = next; // nothing cached under the old weights
            return;
        }
        draining = current;
        KvCache cache = spare != null ? spare : newLaneCache(next);
        spare = null;
        current = new Lane(next, cache, config.maxBatch());
    }

    /**
     * For a restore: this engine, with no samples yet and running the newest policy, was snapshotted while
     * samples still ran {@code old}; samples resumed with {@code onDrainingPolicy} re-enter a draining lane
     * running {@code old} and move over as they would have.
     */
    public void restoreSwapFrom(io.tessera.generator.model.Policy old) {
        ensureOpen();
        Objects.requireNonNull(old, "old");
        if (admitted() > 0 || swapInProgress()) {
            throw new IllegalStateException("restoreSwapFrom needs an engine with no samples and no swap in progress");
        }
        if (!old.config().equals(current.policy.config())) {
            throw new IllegalArgumentException("the draining policy has another model config: " + old.config().id());
        }
        KvCache cache = spare != null ? spare : newLaneCache(old);
        spare = null;
        draining = new Lane(old, cache, config.maxBatch());
    }

    /** The policy new samples run now (the newest one that started; a waiting one has not). */
    public io.tessera.generator.model.Policy runningPolicy() {
        return current.policy;
    }

    /** The policy that starts once the swap in progress has drained; null when none waits. */
    public io.tessera.generator.model.Policy waitingPolicy() {
        return waitingPolicy;
    }

    /** The policy of the samples that have not moved to the newest one yet; null when no swap is draining. */
    public io.tessera.generator.model.Policy drainingPolicy() {
        return draining == null ? null : draining.policy;
    }

    /**
     * Whether the sample still runs the draining (older) policy: active in the draining lane, or resumed into
     * it and queued for its first step.
     */
    public boolean onDrainingPolicy(String sampleId) {
        if (draining == null) {
            return false;
        }
        Sample s = active.get(sampleId);
        if (s != null) {
            return s.lane == draining;
        }
        return queue.stream().anyMatch(q -> q.resumeDraining && q.request.sampleId().equals(sampleId));
    }

    /** A newer policy waits for the swap in progress (a checkpoint completes both: at most two lanes in state). */
    public boolean hasWaitingPolicy() {
        return waitingPolicy != null;
    }

    /** Moves every sample still on an older policy to the newest one now. */
    public void completeSwap() {
        ensureOpen();
        while (draining != null) {
            moveToCurrent(Integer.MAX_VALUE);
        }
    }

    /** Whether some samples still run an older policy, or a newer policy waits. */
    public boolean swapInProgress() {
        return draining != null || waitingPolicy != null;
    }

    /** Tokens the last step re-prefilled to move samples to a new policy: what a swap adds to a step. */
    public int lastStepMovedTokens() {
        return lastStepMovedTokens;
    }

    /** Whether the engine still needs {@code p} (running, draining or waiting); if not, its owner may close it. */
    public boolean uses(io.tessera.generator.model.Policy p) {
        return current.policy == p || (draining != null && draining.policy == p) || waitingPolicy == p;
    }

    /** The newest policy's version: the one new samples run (once a waiting swap starts). */
    public long policyVersion() {
        return (waitingPolicy != null ? waitingPolicy : current.policy).version();
    }

    /** Frees the KV cache. Samples still admitted are dropped without callbacks (snapshot first to keep them). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            current.cache.close();
            if (draining != null) {
                draining.cache.close();
            }
            if (spare != null) {
                spare.close();
            }
        }
    }

    private int used() {
        return current.used + (draining == null ? 0 : draining.used);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
    }

    /**
     * A policy and the cache its samples' keys and values live in, slots kept dense: a leaving sample's slots
     * are filled by the last used ones, so a decode step is one batched forward over slots {@code 0..used-1}.
     */
    private static final class Lane {
        Policy policy;
        final KvCache cache;
        /** slot -> which sample sequence occupies it; slots 0..used-1 are occupied. */
        final Seq[] slots;
        int used;

        Lane(Policy policy, KvCache cache, int maxBatch) {
            this.policy = policy;
            this.cache = cache;
            this.slots = new Seq[maxBatch];
        }

        /** Gives the sample the next free slot(s) of this lane (its cache is filled by a prefill). */
        void place(Sample s) {
            s.lane = this;
            s.cond.slot = used;
            slots[used++] = s.cond;
            if (s.uncond != null) {
                s.uncond.slot = used;
                slots[used++] = s.uncond;
            }
        }

        /** Frees the sample's slots, moving the last used ones into the holes. */
        void remove(Sample s) {
            List<Integer> freed = new ArrayList<>(2);
            freed.add(s.cond.slot);
            if (s.uncond != null) {
                freed.add(s.uncond.slot);
            }
            freed.sort((a, b) -> Integer.compare(b, a)); // descending: every hole is filled from a live slot
            freed.forEach(this::free);
            s.lane = null;
        }

        /** Frees the sample's unconditional slot once guidance is over; the sample goes on with one slot. */
        void removeUnconditional(Sample s) {
            free(s.uncond.slot);
            s.uncond = null;
        }

        private void free(int hole) {
            int last = used - 1;
            if (hole != last) {
                Seq moving = slots[last];
                cache.moveSlot(last, hole, moving.cached);
                moving.slot = hole;
                slots[hole] = moving;
            }
            slots[last] = null;
            used--;
        }

        /** One decode step over slots 0..used-1 under this lane's policy, rows to {@code ready}; null when empty. */
        float[] decode(KvCache.RowsReady ready) {
            if (used == 0) {
                return null;
            }
            int[] tokens = new int[used];
            int[] positions = new int[used];
            for (int i = 0; i < used; i++) {
                tokens[i] = slots[i].pending;
                positions[i] = slots[i].cached;
            }
            return cache.decode(policy, tokens, positions, ready);
        }
    }

    /**
     * One step's draws, indexed like the step's samples. {@link #of} gives a lane's decode the callback that draws
     * every sample whose rows all lie in a finished range; {@link #drawIfMissing} draws the rest afterwards. A draw
     * that throws (a NaN logit, say) is kept and rethrown by {@link #get}, which finishes that sample only.
     */
    private static final class Draws {
        private final List<Sample> samples;
        private final int vocab;
        private final Sampler.Draw[] draws;
        private final RuntimeException[] failures;

        Draws(List<Sample> samples, int vocab) {
            this.samples = samples;
            this.vocab = vocab;
            this.draws = new Sampler.Draw[samples.size()];
            this.failures = new RuntimeException[samples.size()];
        }

        KvCache.RowsReady of(Lane lane) {
            int[] sampleAt = new int[lane.slots.length]; // conditional slot -> index of its sample in this step
            Arrays.fill(sampleAt, -1);
            for (int k = 0; k < samples.size(); k++) {
                if (samples.get(k).lane == lane) {
                    sampleAt[samples.get(k).cond.slot] = k;
                }
            }
            return (logits, from, to) -> {
                for (int row = from; row < to; row++) {
                    int k = sampleAt[row];
                    Seq uncond = k < 0 ? null : samples.get(k).uncond;
                    if (k >= 0 && (uncond == null || (uncond.slot >= from && uncond.slot < to))) {
                        draw(k, logits);
                    }
                }
            };
        }

        void drawIfMissing(int k, float[] logits) {
            if (draws[k] == null && failures[k] == null) {
                draw(k, logits);
            }
        }

        Sampler.Draw get(int k) {
            if (failures[k] != null) {
                throw failures[k];
            }
            return draws[k];
        }

        private void draw(int k, float[] logits) {
            Sample s = samples.get(k);
            try {
                draws[k] = Sampler.sample(logits, s.cond.slot * vocab, s.uncond == null ? null : logits,
                        s.uncond == null ? 0 : s.uncond.slot * vocab, vocab, s.request.sampling(), s.request.grammar(),
                        s.count);
            } catch (RuntimeException e) {
                failures[k] = e;
            }
        }
    }

    /** One sequence in one cache slot: the conditional or the unconditional half of a sample. */
    private static final class Seq {
        int slot = -1;
        int cached;  // tokens whose keys and values are in the cache
        int pending; // the token to feed at position `cached` in the next decode step
    }

    /** A sample and its progress. */
    private static final class Sample {
        final SampleRequest request;
        final TokenListener listener;
        final Seq cond = new Seq();
        Seq uncond;       // null without guidance, and once the sample is past its guided tokens
        Lane lane;        // where its keys and values are, while active
        boolean resumeDraining; // restored from a snapshot taken while it still ran the draining policy
        int[] tokens;     // generated tokens in [0, count), capacity grows by doubling
        float[] logprobs;
        long[] versions;
        int count;
        long startedAt = -1;
        long firstTokenAt = -1;

        Sample(SampleRequest request, TokenListener listener, int[] generated, float[] logprobs, long[] versions) {
            this.request = Objects.requireNonNull(request, "request");
            this.listener = listener;
            this.uncond = request.guidedAt(generated.length) ? new Seq() : null;
            this.tokens = generated.clone();
            this.logprobs = logprobs.clone();
            this.versions = versions.clone();
            this.count = generated.length;
        }

        int slotsNeeded() {
            return uncond == null ? 1 : 2;
        }

        void append(int token, float logprob, long version) {
            if (count == tokens.length) {
                int cap = Math.max(16, count * 2);
                tokens = Arrays.copyOf(tokens, cap);
                logprobs = Arrays.copyOf(logprobs, cap);
                versions = Arrays.copyOf(versions, cap);
            }
            tokens[count] = token;
            logprobs[count] = logprob;
            versions[count] = version;
            count++;
        }

        int[] generated() {
            return Arrays.copyOf(tokens, count);
        }

        int lastToken() {
            return tokens[count - 1];
        }

        SampleState state() {
            return new SampleState(request, generated(), Arrays.copyOf(logprobs, count), Arrays.copyOf(versions, count));
        }
    }
}
