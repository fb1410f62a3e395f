package io.tessera.jobs.decode;

import io.tessera.generator.ClipLayout;
import io.tessera.generator.Generator;
import io.tessera.jobs.GeneratorLoader;
import io.tessera.jobs.io.AvroRecordTypeInfo;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.media.Png;
import io.tessera.media.Wav;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.records.TokenChunk;
import io.tessera.schemas.RecordCodec;
import io.tessera.schemas.Topics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Token chunks of one sample (key {@code requestId#sampleIndex}) to media, as soon as each piece is complete.
 *
 * <ul>
 *   <li>A chunk whose {@code seq} was already applied (or is already buffered) is a repeat and is dropped.
 *   <li>A chunk past the next expected {@code seq} waits in keyed state until the gap fills.
 *   <li>Each frame is decoded as soon as its tokens are in ({@link Generator#decodeFrame} -> PNG ->
 *       {@code VIDEO_FRAME}); audio tokens are decoded every {@code audioFramesPerChunk} frames (WAV ->
 *       {@code AUDIO}).
 *   <li>The final chunk flushes what is left; the last media chunk of the sample is marked final, and
 *       every state entry and timer of the sample is cleared (after {@code doneRetention}, during which a
 *       one-field marker drops late repeats; immediately when it is 0).
 *   <li>A sample with no progress for {@code gapTimeout} is dead-lettered and cleared.
 * </ul>
 */
public final class DecodeTokensFunction extends KeyedProcessFunction<String, TokenChunk, MediaChunk> {

    static final String STAGE = "DecodeJob/decode-tokens";
    private static final String SOURCE_TOPIC = Topics.TOKENS.name();

    private final GeneratorLoader loader;
    private final int audioFramesPerChunk;
    private final long gapTimeoutMs;
    private final long doneRetentionMs;

    private transient Generator generator;
    private transient ClipLayout layout;
    private transient RecordCodec<TokenChunk> chunkCodec;
    private transient ValueState<DecodeProgress> progress;
    private transient MapState<Integer, TokenChunk> early;
    private transient Counter repeats;

    public DecodeTokensFunction(GeneratorLoader loader, int audioFramesPerChunk, long gapTimeoutMs,
            long doneRetentionMs) {
        this.loader = loader;
        this.audioFramesPerChunk = audioFramesPerChunk;
        this.gapTimeoutMs = gapTimeoutMs;
        this.doneRetentionMs = doneRetentionMs;
    }

    @Override
    public void open(OpenContext openContext) {
        generator = loader.load();
        layout = generator.layout();
        chunkCodec = RecordCodec.of(TokenChunk.class);
        progress = getRuntimeContext().getState(
                new ValueStateDescriptor<>("progress", TypeInformation.of(DecodeProgress.class)));
        early = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("early-chunks", Types.INT, AvroRecordTypeInfo.forClass(TokenChunk.class)));
        repeats = getRuntimeContext().getMetricGroup().counter("repeatedChunksDropped");
    }

    @Override
    public void close() {
        if (generator != null) {
            generator.close();
            generator = null;
        }
    }

    @Override
    public void processElement(TokenChunk chunk, Context ctx, Collector<MediaChunk> out) throws Exception {
        DecodeProgress p = progress.value();
        if (p == null) {
            p = new DecodeProgress();
        }
        if (p.done || chunk.getSeq() < p.nextSeq || early.contains(chunk.getSeq())) {
            repeats.inc();
            return;
        }
        if (chunk.getSeq() > p.nextSeq) {
            early.put(chunk.getSeq(), chunk);
            touchTimer(ctx, p, gapTimeoutMs);
            progress.update(p);
            return;
        }
        boolean finished = apply(chunk, p, ctx, out);
        while (!finished && early.contains(p.nextSeq)) {
            TokenChunk next = early.get(p.nextSeq);
            early.remove(p.nextSeq);
            finished = apply(next, p, ctx, out);
        }
        if (finished) {
            finishSample(ctx, p);
        } else {
            touchTimer(ctx, p, gapTimeoutMs);
            progress.update(p);
        }
    }

    /** Applies the next chunk in order; returns whether it was the final one. */
    private boolean apply(TokenChunk chunk, DecodeProgress p, Context ctx, Collector<MediaChunk> out) {
        if (chunk.getFirstPosition() != p.tokensSeen) {
            deadLetter(ctx, chunk, "chunk seq " + chunk.getSeq() + " starts at position " + chunk.getFirstPosition()
                    + " but " + p.tokensSeen + " tokens came before it; decoding it in seq order", null);
        }
        p.nextSeq++;
        int perFrame = layout.generatedTokensPerFrame(chunk.getTask());
        long version = chunk.getPolicyVersion();
        List<MediaChunk> media = new ArrayList<>();
        for (int token : chunk.getTokens()) {
            p.frameTokens = append(p.frameTokens, token);
            p.tokensSeen++;
            if (p.frameTokens.length == perFrame) {
                completeFrame(p, chunk, version, ctx, media);
            }
        }
        boolean last = chunk.getFinal$();
        if (last) {
            int[] rest = audioOf(p.frameTokens);
            if (rest.length > 0) {
                p.audioTokens = concat(p.audioTokens, rest);
            }
            p.frameTokens = new int[0];
            flushAudio(p, chunk, version, ctx, media);
            if (media.isEmpty()) {
                media.add(media(chunk, MediaKind.AUDIO, p.audioChunks, "audio/wav",
                        Wav.encode(new float[0], layout.audioSampleRate()), version));
            }
            for (int i = 0; i < media.size(); i++) {
                MediaChunk m = media.get(i);
                m.setTotal(m.getKind() == MediaKind.VIDEO_FRAME ? p.framesDone : p.audioChunks);
                m.setFinal$(i == media.size() - 1);
            }
        }
        for (MediaChunk m : media) {
            out.collect(m);
        }
        p.mediaEmitted += media.size();
        return last;
    }

    private void completeFrame(DecodeProgress p, TokenChunk chunk, long version, Context ctx, List<MediaChunk> media) {
        int frame = p.framesDone;
        int[] video = videoOf(p.frameTokens);
        int[] audio = audioOf(p.frameTokens);
        p.frameTokens = new int[0];
        p.framesDone++;
        if (video.length == layout.videoTokensPerFrame()) {
            try {
                byte[] png = Png.encode(generator.decodeFrame(video));
                media.add(media(chunk, MediaKind.VIDEO_FRAME, frame, "image/png", png, version));
            } catch (RuntimeException e) {
                deadLetter(ctx, chunk, "cannot decode frame " + frame + ": " + DeadLetters.describe(e), e);
            }
        } else if (video.length > 0) {
            deadLetter(ctx, chunk, "frame " + frame + " holds " + video.length + " video tokens, expected "
                    + layout.videoTokensPerFrame(), null);
        }
        if (audio.length > 0) {
            p.audioTokens = concat(p.audioTokens, audio);
            p.audioFrames++;
            if (p.audioFrames >= audioFramesPerChunk) {
                flushAudio(p, chunk, version, ctx, media);
            }
        }
    }

    private void flushAudio(DecodeProgress p, TokenChunk chunk, long version, Context ctx, List<MediaChunk> media) {
        if (p.audioTokens.length == 0) {
            return;
        }
        int[] tokens = p.audioTokens;
        p.audioTokens = new int[0];
        p.audioFrames = 0;
        try {
            byte[] wav = Wav.encode(generator.decodeAudio(tokens), layout.audioSampleRate());
            media.add(media(chunk, MediaKind.AUDIO, p.audioChunks, "audio/wav", wav, version));
            p.audioChunks++;
        } catch (RuntimeException e) {
            deadLetter(ctx, chunk, "cannot decode " + tokens.length + " audio tokens: " + DeadLetters.describe(e), e);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MediaChunk> out) throws Exception {
        DecodeProgress p = progress.value();
        if (p == null || p.timer != timestamp) {
            return;
        }
        if (!p.done) {
            int buffered = 0;
            for (Integer ignored : early.keys()) {
                buffered++;
            }
            String key = ctx.getCurrentKey();
            String requestId = key.substring(0, key.lastIndexOf('#'));
            ctx.output(DeadLetters.TAG, DeadLetters.ofDecoded(SOURCE_TOPIC, requestId, null, STAGE,
                    "sample " + key + " stalled: no progress for " + gapTimeoutMs + " ms while waiting for chunk seq "
                            + p.nextSeq + " (" + buffered + " later chunks buffered); its state was dropped",
                    null));
        }
        early.clear();
        progress.clear();
    }

    private void finishSample(Context ctx, DecodeProgress p) throws Exception {
        early.clear();
        if (p.timer != 0) {
            ctx.timerService().deleteProcessingTimeTimer(p.timer);
            p.timer = 0;
        }
        if (doneRetentionMs == 0) {
            progress.clear();
            return;
        }
        DecodeProgress marker = new DecodeProgress();
        marker.done = true;
        marker.nextSeq = p.nextSeq;
        touchTimer(ctx, marker, doneRetentionMs);
        progress.update(marker);
    }

    private static void touchTimer(Context ctx, DecodeProgress p, long delayMs) {
        if (p.timer != 0) {
            ctx.timerService().deleteProcessingTimeTimer(p.timer);
        }
        p.timer = ctx.timerService().currentProcessingTime() + delayMs;
        ctx.timerService().registerProcessingTimeTimer(p.timer);
    }

    private void deadLetter(Context ctx, TokenChunk chunk, String reason, Throwable error) {
        byte[] value = null;
        try {
            value = chunkCodec.encode(chunk);
        } catch (RuntimeException ignored) {
            // the reason still names the chunk
        }
        ctx.output(DeadLetters.TAG, DeadLetters.ofDecoded(SOURCE_TOPIC, chunk.getRequestId(), value, STAGE,
                reason + " (sample " + chunk.getSampleIndex() + ", seq " + chunk.getSeq() + ")", error));
    }

    private static MediaChunk media(TokenChunk chunk, MediaKind kind, int index, String contentType, byte[] data,
            long version) {
        return MediaChunk.newBuilder()
                .setRequestId(chunk.getRequestId())
                .setSampleIndex(chunk.getSampleIndex())
                .setKind(kind)
                .setIndex(index)
                .setTotal(-1)
                .setContentType(contentType)
                .setData(ByteBuffer.wrap(data))
                .setPolicyVersion(version)
                .setFinal$(false)
                .setProducedAtMs(System.currentTimeMillis())
                .build();
    }

    private int[] videoOf(int[] tokens) {
        return Arrays.stream(tokens).filter(layout::isVideoToken).toArray();
    }

    private int[] audioOf(int[] tokens) {
        return Arrays.stream(tokens).filter(layout::isAudioToken).toArray();
    }

    private static int[] append(int[] values, int value) {
        int[] grown = Arrays.copyOf(values, values.length + 1);
        grown[values.length] = value;
        return grown;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Key of a chunk's sample: {@code requestId#sampleIndex}. */
    public static String sampleKey(TokenChunk chunk) {
        return chunk.getRequestId() + "#" + chunk.getSampleIndex();
    }
}
