package io.tessera.jobs.condition;

import io.tessera.generator.world.World;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.Task;
import io.tessera.schemas.RecordCodec;
import io.tessera.schemas.Topics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins a request with the conditioning media it promised, keyed by request id: input 1 carries the
 * {@link GenerationRequest}s ({@code tessera.prompts}), input 2 the {@link MediaChunk}s ({@code
 * tessera.media.in}). Chunks may come before or after their request, in any order, repeated.
 *
 * <ul>
 *   <li>Each chunk is checked (kind, index against the promise and {@code condition.max-frames}, total) and
 *       decoded at once ({@link MediaDecoder}: frames to 64x64 RGB, audio to 16 kHz mono); state holds the
 *       decoded, size-bounded form, never the raw bytes. A repeat with the same bytes is dropped; other bytes
 *       at the same index are a conflict.
 *   <li>When the request and every chunk it promised are in, the request leaves with its frames (index
 *       order) and audio (chunks concatenated in index order) as a {@link ConditionedRequest}, and the key's
 *       media and timer are cleared. With a dedup retention ({@code condition.dedup-retention}) a marker stays
 *       that long: a repeat of the request (same bytes) or of its media is then dropped as a duplicate, and
 *       another request under the same id is dead-lettered at once, instead of waiting for media that already
 *       came and went. A request that promised nothing leaves at once, touching no state.
 *   <li>A processing-time timer {@code timeout} after the key's first record ends the wait: a request still
 *       incomplete is dead-lettered with what is missing; media whose request never came is dead-lettered as
 *       orphaned. Either way the state is cleared.
 *   <li>A malformed chunk is dead-lettered at once. If its request is here, the request is dead-lettered too
 *       and the key cleared; if not, the media is dropped and only the reason is kept, so the request is
 *       dead-lettered when it arrives (or the reason expires with the timer).
 * </ul>
 * State per key: one {@link Assembly} plus at most {@code maxFrames} frames of 64x64 pixels and audio cut to
 * {@code maxFrames} frames of 16 kHz samples, for at most {@code timeout}.
 */
public final class ConditionAssembler
        extends KeyedCoProcessFunction<String, GenerationRequest, MediaChunk, ConditionedRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ConditionAssembler.class);
    public static final String STAGE = "GenerationJob/condition";

    private final long timeoutMs;
    private final int maxFrames;
    private final int maxImageSide;
    private final long dedupRetentionMs;

    private transient MediaDecoder decoder;
    private transient RecordCodec<GenerationRequest> requestCodec;
    private transient RecordCodec<MediaChunk> chunkCodec;
    private transient ValueState<Assembly> assembly;
    private transient MapState<Integer, MediaPart> frames;
    private transient MapState<Integer, MediaPart> audio;
    private transient Counter assembled;
    private transient Counter deadLettered;
    private transient Counter duplicates;

    /**
     * @param timeoutMs    {@code condition.timeout}
     * @param maxFrames    {@code condition.max-frames}
     * @param maxImageSide {@code condition.max-image-side}
     */
    public ConditionAssembler(long timeoutMs, int maxFrames, int maxImageSide) {
        this(timeoutMs, maxFrames, maxImageSide, 0);
    }

    /**
     * @param dedupRetentionMs {@code condition.dedup-retention}: how long an assembled request is remembered (0:
     *                         its state is cleared at once)
     */
    public ConditionAssembler(long timeoutMs, int maxFrames, int maxImageSide, long dedupRetentionMs) {
        if (timeoutMs < 1 || maxFrames < 1 || maxImageSide < 1 || dedupRetentionMs < 0) {
            throw new IllegalArgumentException("timeoutMs, maxFrames and maxImageSide must be >= 1 and"
                    + " dedupRetentionMs >= 0, got " + timeoutMs + ", " + maxFrames + ", " + maxImageSide + ", "
                    + dedupRetentionMs);
        }
        this.dedupRetentionMs = dedupRetentionMs;
        this.timeoutMs = timeoutMs;
        this.maxFrames = maxFrames;
        this.maxImageSide = maxImageSide;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = new MediaDecoder(maxImageSide, maxFrames);
        requestCodec = RecordCodec.of(GenerationRequest.class);
        chunkCodec = RecordCodec.of(MediaChunk.class);
        assembly = getRuntimeContext().getState(
                new ValueStateDescriptor<>("condition-assembly", TypeInformation.of(Assembly.class)));
        frames = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("condition-frames", Types.INT, TypeInformation.of(MediaPart.class)));
        audio = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("condition-audio", Types.INT, TypeInformation.of(MediaPart.class)));
        assembled = getRuntimeContext().getMetricGroup().counter("conditionedRequests");
        deadLettered = getRuntimeContext().getMetricGroup().counter("conditioningDeadLetters");
        duplicates = getRuntimeContext().getMetricGroup().counter("conditioningDuplicatesDropped");
    }

    /** Whether a request waits for media at all. */
    public static boolean promisesMedia(GenerationRequest r) {
        return r.getConditioningFrames() > 0 || r.getConditioningAudioChunks() > 0;
    }

    @Override
    public void processElement1(GenerationRequest r, Context ctx, Collector<ConditionedRequest> out) throws Exception {
        if (!promisesMedia(r)) {
            out.collect(ConditionedRequest.textOnly(r));
            return;
        }
        Assembly a = assembly.value();
        if (a == null) {
            a = new Assembly();
        }
        byte[] encoded = requestCodec.encode(r);
        if (a.assembledAt > 0) {
            if (Arrays.equals(a.request, encoded)) {
                duplicates.inc();
                LOG.debug("request {} repeated after it was assembled; dropped", r.getRequestId());
            } else {
                deadLetterRequest(ctx, r, "another request with id " + r.getRequestId() + " was already assembled"
                        + " and sent to generation at " + java.time.Instant.ofEpochMilli(a.assembledAt)
                        + "; request ids must be unique");
            }
            return;
        }
        if (a.request != null) {
            if (Arrays.equals(a.request, encoded)) {
                duplicates.inc();
                LOG.debug("request {} repeated while its media is assembled; dropped", r.getRequestId());
            } else {
                deadLetterRequest(ctx, r, "another request with id " + r.getRequestId()
                        + " is already waiting for its conditioning media");
            }
            return;
        }
        if (a.failure != null) {
            deadLetterRequest(ctx, r, "its conditioning media was malformed: " + a.failure);
            clear(ctx, a);
            return;
        }
        String problem = promiseProblem(r, a);
        if (problem != null) {
            deadLetterRequest(ctx, r, problem);
            clear(ctx, a);
            return;
        }
        a.request = encoded;
        if (!emitIfComplete(r, ctx, a, out)) {
            ensureTimer(ctx, a);
            assembly.update(a);
        }
    }

    @Override
    public void processElement2(MediaChunk c, Context ctx, Collector<ConditionedRequest> out) throws Exception {
        Assembly a = assembly.value();
        if (a == null) {
            a = new Assembly();
        }
        if (a.assembledAt > 0) {
            duplicates.inc(); // its request was assembled already: a repeat (or a straggler) changes nothing
            LOG.debug("{} arrived after its request was assembled; dropped", MediaDecoder.describe(c));
            return;
        }
        a.chunksSeen++;
        if (a.failure != null) {
            // The request's media is already known to be unusable; this chunk changes nothing.
            assembly.update(a);
            return;
        }
        GenerationRequest r = a.request == null ? null : requestCodec.decode(a.request);
        MapState<Integer, MediaPart> parts = c.getKind() == MediaKind.VIDEO_FRAME ? frames : audio;
        String problem = chunkProblem(c, r, a);
        if (problem == null) {
            MediaPart existing = parts.get(c.getIndex());
            if (existing != null) {
                if (existing.digest == MediaDecoder.digest(c)) {
                    duplicates.inc();
                    assembly.update(a);
                    return;
                }
                problem = MediaDecoder.describe(c) + " arrived twice with different data";
            }
        }
        MediaPart part = null;
        if (problem == null) {
            try {
                part = decoder.decode(c);
            } catch (MalformedMediaException e) {
                problem = e.getMessage();
            }
        }
        if (problem != null) {
            malformed(ctx, c, a, r, problem);
            return;
        }
        parts.put(c.getIndex(), part);
        if (c.getTotal() >= 0) {
            if (c.getKind() == MediaKind.VIDEO_FRAME) {
                a.framesTotal = c.getTotal();
            } else {
                a.audioTotal = c.getTotal();
            }
        }
        if (r == null || !emitIfComplete(r, ctx, a, out)) {
            ensureTimer(ctx, a);
            assembly.update(a);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ConditionedRequest> out) throws Exception {
        Assembly a = assembly.value();
        if (a == null || a.timer != timestamp) {
            return;
        }
        a.timer = 0; // fired: nothing to delete
        String requestId = ctx.getCurrentKey();
        if (a.assembledAt > 0) {
            clear(ctx, a); // the dedup retention of an assembled request ended
            return;
        }
        if (a.request != null) {
            GenerationRequest r = requestCodec.decode(a.request);
            deadLetterRequest(ctx, r, "conditioning media incomplete after " + timeoutMs + " ms: " + missing(r));
        } else if (a.failure == null) {
            deadLettered.inc();
            ctx.output(DeadLetters.TAG, DeadLetters.ofDecoded(Topics.MEDIA_IN.name(), requestId, null, STAGE,
                    size(frames) + " conditioning frames and " + size(audio) + " audio chunks (" + a.chunksSeen
                            + " records) arrived for request " + requestId + ", which did not come within "
                            + timeoutMs + " ms; dropped", null));
        } else {
            LOG.debug("request {} with malformed media never came; its marker expired", requestId);
        }
        clear(ctx, a);
    }

    /** Problems of a request's promise against the task and the chunks already here, or null. */
    private String promiseProblem(GenerationRequest r, Assembly a) throws Exception {
        if (r.getConditioningFrames() > maxFrames || r.getConditioningAudioChunks() > maxFrames) {
            return "request promises " + r.getConditioningFrames() + " frames and " + r.getConditioningAudioChunks()
                    + " audio chunks; condition.max-frames is " + maxFrames;
        }
        if (a.framesTotal >= 0 && a.framesTotal != r.getConditioningFrames()) {
            return "the conditioning frames say total " + a.framesTotal + " but the request promises "
                    + r.getConditioningFrames();
        }
        if (a.audioTotal >= 0 && a.audioTotal != r.getConditioningAudioChunks()) {
            return "the conditioning audio chunks say total " + a.audioTotal + " but the request promises "
                    + r.getConditioningAudioChunks();
        }
        for (Integer i : frames.keys()) {
            if (i >= r.getConditioningFrames()) {
                return "conditioning frame " + i + " arrived but the request promises " + r.getConditioningFrames();
            }
        }
        for (Integer i : audio.keys()) {
            if (i >= r.getConditioningAudioChunks()) {
                return "conditioning audio chunk " + i + " arrived but the request promises "
                        + r.getConditioningAudioChunks();
            }
        }
        return null;
    }

    /** Structural problems of a chunk, alone and against its request when known, or null. */
    private String chunkProblem(MediaChunk c, GenerationRequest r, Assembly a) {
        String what = MediaDecoder.describe(c);
        if (c.getKind() == null) {
            return "media chunk has no kind";
        }
        if (c.getIndex() < 0 || c.getIndex() >= maxFrames) {
            return what + ": index must be in [0, " + maxFrames + ") (condition.max-frames)";
        }
        int known = c.getKind() == MediaKind.VIDEO_FRAME ? a.framesTotal : a.audioTotal;
        if (c.getTotal() >= 0) {
            if (c.getTotal() == 0 || c.getTotal() > maxFrames || c.getIndex() >= c.getTotal()) {
                return what + " says total " + c.getTotal() + "; expected index < total <= " + maxFrames;
            }
            if (known >= 0 && known != c.getTotal()) {
                return what + " says total " + c.getTotal() + " but an earlier chunk said " + known;
            }
        }
        if (r != null) {
            int promised = c.getKind() == MediaKind.VIDEO_FRAME ? r.getConditioningFrames()
                    : r.getConditioningAudioChunks();
            String kind = c.getKind() == MediaKind.VIDEO_FRAME ? "frames" : "audio chunks";
            if (c.getIndex() >= promised) {
                return what + " is out of range: the " + r.getTask() + " request promises " + promised + " " + kind;
            }
            if (c.getTotal() >= 0 && c.getTotal() != promised) {
                return what + " says total " + c.getTotal() + " but the request promises " + promised + " " + kind;
            }
        }
        return null;
    }

    private void malformed(Context ctx, MediaChunk c, Assembly a, GenerationRequest r, String problem)
            throws Exception {
        byte[] value = null;
        try {
            value = chunkCodec.encode(c);
        } catch (RuntimeException ignored) {
            // the reason still names the chunk
        }
        deadLettered.inc();
        ctx.output(DeadLetters.TAG, DeadLetters.ofDecoded(Topics.MEDIA_IN.name(), c.getRequestId(), value, STAGE,
                problem, null));
        if (r != null) {
            deadLetterRequest(ctx, r, "its conditioning media is malformed: " + problem);
            clear(ctx, a);
            return;
        }
        // The request has not come yet: drop its media, keep the reason until it comes or the timer fires.
        frames.clear();
        audio.clear();
        a.failure = problem;
        ensureTimer(ctx, a);
        assembly.update(a);
    }

    private boolean emitIfComplete(GenerationRequest r, Context ctx, Assembly a, Collector<ConditionedRequest> out)
            throws Exception {
        if (size(frames) < r.getConditioningFrames() || size(audio) < r.getConditioningAudioChunks()) {
            return false;
        }
        int[][] pixels = new int[r.getConditioningFrames()][];
        for (Map.Entry<Integer, MediaPart> e : frames.entries()) {
            pixels[e.getKey()] = e.getValue().pixels;
        }
        float[] sound = concat(inOrder(audio));
        if (r.getTask() == Task.VIDEO_CONTINUATION) {
            // the generator reads the audio of the conditioning frames only
            int used = r.getConditioningFrames() * World.SAMPLES_PER_FRAME;
            if (sound.length > used) {
                sound = Arrays.copyOf(sound, used);
            }
        }
        out.collect(ConditionedRequest.of(r, pixels, sound));
        assembled.inc();
        if (dedupRetentionMs == 0) {
            clear(ctx, a);
            return true;
        }
        frames.clear();
        audio.clear();
        if (a.timer != 0) {
            ctx.timerService().deleteProcessingTimeTimer(a.timer);
        }
        a.assembledAt = Math.max(1, ctx.timerService().currentProcessingTime()); // > 0 marks it assembled
        a.timer = a.assembledAt + dedupRetentionMs;
        ctx.timerService().registerProcessingTimeTimer(a.timer);
        assembly.update(a);
        return true;
    }

    private String missing(GenerationRequest r) throws Exception {
        List<Integer> frameGaps = new ArrayList<>();
        for (int i = 0; i < r.getConditioningFrames(); i++) {
            if (!frames.contains(i)) {
                frameGaps.add(i);
            }
        }
        List<Integer> audioGaps = new ArrayList<>();
        for (int i = 0; i < r.getConditioningAudioChunks(); i++) {
            if (!audio.contains(i)) {
                audioGaps.add(i);
            }
        }
        return (r.getConditioningFrames() - frameGaps.size()) + " of " + r.getConditioningFrames() + " frames"
                + (frameGaps.isEmpty() ? "" : " (missing " + frameGaps + ")") + ", "
                + (r.getConditioningAudioChunks() - audioGaps.size()) + " of " + r.getConditioningAudioChunks()
                + " audio chunks" + (audioGaps.isEmpty() ? "" : " (missing " + audioGaps + ")");
    }

    private void deadLetterRequest(Context ctx, GenerationRequest r, String reason) {
        byte[] value = null;
        try {
            value = requestCodec.encode(r);
        } catch (RuntimeException ignored) {
            // the reason still names the request
        }
        deadLettered.inc();
        ctx.output(DeadLetters.TAG, DeadLetters.ofDecoded(Topics.PROMPTS.name(), r.getRequestId(), value,
                STAGE, reason, null));
    }

    private void ensureTimer(Context ctx, Assembly a) {
        if (a.timer == 0) {
            a.timer = ctx.timerService().currentProcessingTime() + timeoutMs;
            ctx.timerService().registerProcessingTimeTimer(a.timer);
        }
    }

    private void clear(Context ctx, Assembly a) {
        if (a.timer != 0) {
            ctx.timerService().deleteProcessingTimeTimer(a.timer);
        }
        frames.clear();
        audio.clear();
        assembly.clear();
    }

    private static List<MediaPart> inOrder(MapState<Integer, MediaPart> parts) throws Exception {
        TreeMap<Integer, MediaPart> sorted = new TreeMap<>();
        for (Map.Entry<Integer, MediaPart> e : parts.entries()) {
            sorted.put(e.getKey(), e.getValue());
        }
        return new ArrayList<>(sorted.values());
    }

    private static float[] concat(List<MediaPart> parts) {
        int n = 0;
        for (MediaPart p : parts) {
            n += p.samples.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (MediaPart p : parts) {
            System.arraycopy(p.samples, 0, out, at, p.samples.length);
            at += p.samples.length;
        }
        return out;
    }

    private static int size(MapState<Integer, MediaPart> parts) throws Exception {
        int n = 0;
        for (Integer ignored : parts.keys()) {
            n++;
        }
        return n;
    }
}
