package io.tessera.jobs.generation;

import io.tessera.generator.engine.SampleRequest;
import io.tessera.generator.engine.SampleState;
import io.tessera.records.FinishReason;
import io.tessera.records.TokenChunk;
import java.util.Arrays;

/**
 * One sample seen from the operator: its tokens so far and which of them already left as chunks, {@code seq}
 * dense from 0. Chunk boundaries depend on positions only (so a sample resumed after a failure cuts the same
 * chunks): the first chunk holds the first token alone, so a consumer sees it as soon as it is sampled; every
 * later chunk ends at a frame boundary ({@code tokensPerFrame} tokens per frame); the final chunk holds what is
 * left. With {@code tokensPerFrame} tokens per frame the boundaries are 1, F, 2F, 3F, ...
 */
final class SampleProgress {

    final SampleMeta meta;
    final SampleRequest request;
    final int tokensPerFrame;
    /** Non-null when the sample was restored from a checkpoint and still waits to re-enter an engine. */
    SampleState resumeFrom;
    /** Restored from a checkpoint taken while it still ran the policy a swap was moving samples away from. */
    boolean resumeOnDrainingPolicy;

    private int[] tokens;      // (size) generated token ids
    private float[] logprobs;  // (size)
    private long[] versions;   // (size) policy version that sampled each token
    private int size;
    private int nextSeq;
    private int chunkStart;    // first position not yet sent in a chunk

    private SampleProgress(SampleMeta meta, SampleRequest request, int tokensPerFrame) {
        if (tokensPerFrame < 1) {
            throw new IllegalArgumentException("tokensPerFrame must be >= 1, got " + tokensPerFrame);
        }
        this.meta = meta;
        this.request = request;
        this.tokensPerFrame = tokensPerFrame;
        int capacity = Math.max(16, Math.min(request.maxNewTokens(), 4096));
        this.tokens = new int[capacity];
        this.logprobs = new float[capacity];
        this.versions = new long[capacity];
    }

    static SampleProgress fresh(SampleMeta meta, SampleRequest request, int tokensPerFrame) {
        return new SampleProgress(meta, request, tokensPerFrame);
    }

    /**
     * A sample restored from a checkpoint. Every chunk whose boundary it had reached was sent before the
     * checkpoint (a chunk leaves in the step that samples its last token), so the chunks resume after the last
     * boundary reached.
     */
    static SampleProgress restored(SampleMeta meta, SampleState state, int tokensPerFrame) {
        SampleProgress p = new SampleProgress(meta, state.request(), tokensPerFrame);
        int[] generated = state.generated();
        for (int i = 0; i < generated.length; i++) {
            p.append(i, generated[i], state.logprobs()[i], state.versions()[i]);
        }
        p.nextSeq = chunksEndingBy(p.size, tokensPerFrame);
        p.chunkStart = lastBoundaryBy(p.size, tokensPerFrame);
        p.resumeFrom = state;
        return p;
    }

    String sampleId() {
        return request.sampleId();
    }

    int size() {
        return size;
    }

    int nextSeq() {
        return nextSeq;
    }

    void append(int position, int token, float logprob, long version) {
        if (position != size) {
            throw new IllegalStateException(
                    "sample " + sampleId() + ": token at position " + position + " but " + size + " tokens so far");
        }
        if (size == tokens.length) {
            int grown = tokens.length * 2;
            tokens = Arrays.copyOf(tokens, grown);
            logprobs = Arrays.copyOf(logprobs, grown);
            versions = Arrays.copyOf(versions, grown);
        }
        tokens[size] = token;
        logprobs[size] = logprob;
        versions[size] = version;
        size++;
    }

    /**
     * The next chunk boundary is reached and it is not the sample's last token (that one leaves with the final
     * chunk).
     */
    boolean frameReadyBeforeEnd() {
        return size >= nextBoundary(chunkStart, tokensPerFrame) && size < request.maxNewTokens();
    }

    /** The first chunk boundary after position {@code from}: 1 (the first token alone), then every frame end. */
    static int nextBoundary(int from, int tokensPerFrame) {
        return from == 0 ? 1 : (from / tokensPerFrame + 1) * tokensPerFrame;
    }

    /** The last chunk boundary at or before {@code size} (0 when no token was sampled). */
    static int lastBoundaryBy(int size, int tokensPerFrame) {
        return size == 0 ? 0 : Math.max(1, size / tokensPerFrame * tokensPerFrame);
    }

    /** How many chunk boundaries lie in {@code 1..size}: the chunks a sample of that size has sent. */
    static int chunksEndingBy(int size, int tokensPerFrame) {
        if (size == 0) {
            return 0;
        }
        return tokensPerFrame == 1 ? size : 1 + size / tokensPerFrame;
    }

    /**
     * Cuts the buffered tokens into the next chunk. {@code frameIndex} names the frame the chunk completes
     * (-1 for a final chunk holding a partial frame or nothing).
     */
    TokenChunk takeChunk(boolean last, FinishReason reason, long fallbackVersion) {
        int from = chunkStart;
        int to = last ? size : Math.min(size, nextBoundary(chunkStart, tokensPerFrame));
        int frameIndex = to > from && to % tokensPerFrame == 0 ? to / tokensPerFrame - 1 : -1;
        TokenChunk chunk = TokenChunk.newBuilder()
                .setRequestId(meta.requestId())
                .setSampleIndex(meta.sampleIndex())
                .setSeq(nextSeq)
                .setTask(meta.task())
                .setFirstPosition(from)
                .setFrameIndex(frameIndex)
                .setTokens(Ints.list(tokens, from, to))
                .setLogprobs(Ints.floatList(logprobs, from, to))
                .setPolicyVersion(to > from ? versions[to - 1] : (size > 0 ? versions[size - 1] : fallbackVersion))
                .setFinal$(last)
                .setFinishReason(last ? reason : null)
                .setEmittedAtMs(System.currentTimeMillis())
                .build();
        nextSeq++;
        chunkStart = to;
        return chunk;
    }

    int[] tokens() {
        return Arrays.copyOf(tokens, size);
    }

    float[] logprobs() {
        return Arrays.copyOf(logprobs, size);
    }

    long[] versions() {
        return Arrays.copyOf(versions, size);
    }

    long firstVersion(long fallback) {
        return size > 0 ? versions[0] : fallback;
    }

    long lastVersion(long fallback) {
        return size > 0 ? versions[size - 1] : fallback;
    }
}
