package io.tessera.jobs.condition;

/**
 * Keyed state of one request in the conditioning assembler, beside its map states of frames and audio: the
 * request once it has arrived, what the chunks said about their totals, the timer, and a failure seen before
 * the request came. A Flink POJO.
 */
public class Assembly {

    /** The request, single-object Avro; null until it arrives. */
    public byte[] request;
    /** VIDEO_FRAME total announced by the chunks, -1 while unknown. */
    public int framesTotal = -1;
    /** AUDIO total announced by the chunks, -1 while unknown. */
    public int audioTotal = -1;
    /** Processing time the timeout timer fires at; 0 when none is registered. */
    public long timer;
    /** Chunks that arrived (duplicates included), for the messages. */
    public int chunksSeen;
    /**
     * Why the request's media is unusable, when a malformed chunk came before the request: the chunk was
     * dead-lettered at once and its media dropped; the request is dead-lettered with this reason on arrival.
     */
    public String failure;
    /**
     * Processing time the request left assembled, 0 before. Afterwards only this marker (and the request) stay,
     * for {@code condition.dedup-retention}, so that a repeat of the request or of its media is dropped as a
     * duplicate instead of waiting for media that will not come again.
     */
    public long assembledAt;

    public Assembly() {}
}
