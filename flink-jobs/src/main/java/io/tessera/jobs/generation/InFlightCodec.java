package io.tessera.jobs.generation;

import io.tessera.generator.engine.SampleRequest;
import io.tessera.generator.engine.SampleState;
import io.tessera.generator.engine.SampleTimings;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenGrammar;
import io.tessera.records.FinishReason;
import io.tessera.records.Task;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Byte format of one in-flight sample in operator state: the request metadata, the engine request and the
 * tokens sampled so far. Versioned by a leading byte; never Java or Kryo serialization.
 *
 * <p>Version 2 appends to version 1's body: the best-of candidate index and bestOf, and whether the sample has
 * finished (a best-of candidate that waits for its siblings) with its finish reason and timings. Version 1 entries
 * still decode, as plain unfinished samples.
 *
 * <p>The request's arrival time is a {@link System#nanoTime()} reading, meaningless in another JVM, so it
 * is stored as the sample's age at snapshot time and rebased on the restoring JVM's clock.
 */
final class InFlightCodec {

    static final int VERSION = 2;
    /** The first version: no best-of candidates, every entry unfinished. */
    static final int VERSION_1 = 1;

    /**
     * A decoded entry.
     *
     * @param finish non-null for a finished best-of candidate waiting for its siblings
     */
    record Entry(SampleMeta meta, SampleState state, Finish finish) {
        Entry(SampleMeta meta, SampleState state) {
            this(meta, state, null);
        }
    }

    /** How a finished candidate ended: its finish reason and timings (nanoseconds, relative to its arrival). */
    record Finish(FinishReason reason, SampleTimings timings) {}

    private InFlightCodec() {}

    static byte[] encode(SampleMeta meta, SampleState state, long nowNanos) {
        return encode(meta, state, null, nowNanos);
    }

    /** An entry; {@code finish} non-null for a finished best-of candidate waiting for its siblings. */
    static byte[] encode(SampleMeta meta, SampleState state, Finish finish, long nowNanos) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + 16 * state.generated().length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writeString(out, meta.requestId());
            out.writeInt(meta.sampleIndex());
            out.writeInt(meta.samples());
            writeString(out, meta.task().name());
            writeString(out, meta.prompt());
            writeString(out, meta.tenant());
            out.writeLong(meta.requestSeed());

            SampleRequest r = state.request();
            writeString(out, r.sampleId());
            writeInts(out, r.prefix());
            out.writeBoolean(r.unconditionalPrefix() != null);
            if (r.unconditionalPrefix() != null) {
                writeInts(out, r.unconditionalPrefix());
            }
            out.writeInt(r.maxNewTokens());
            writeInts(out, r.grammar().lo());
            writeInts(out, r.grammar().hi());
            SamplingConfig s = r.sampling();
            out.writeFloat(s.temperature());
            out.writeInt(s.topK());
            out.writeFloat(s.topP());
            out.writeFloat(s.guidanceScale());
            out.writeLong(s.seed());
            out.writeLong(Math.max(0L, nowNanos - r.arrivedAtNanos()));

            writeInts(out, state.generated());
            float[] logprobs = state.logprobs();
            for (float lp : logprobs) {
                out.writeFloat(lp);
            }
            for (long v : state.versions()) {
                out.writeLong(v);
            }
            // version 2
            out.writeInt(meta.candidate());
            out.writeInt(meta.bestOf());
            out.writeBoolean(finish != null);
            if (finish != null) {
                writeString(out, finish.reason().name());
                SampleTimings t = finish.timings();
                out.writeLong(t.queuedNanos());
                out.writeLong(t.firstTokenNanos());
                out.writeLong(t.totalNanos());
                out.writeInt(t.tokens());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Entry decode(byte[] data, long nowNanos) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readUnsignedByte();
            if (version != VERSION && version != VERSION_1) {
                throw new IllegalStateException("in-flight sample state version " + version + " is not " + VERSION_1
                        + " or " + VERSION);
            }
            String requestId = readString(in);
            int sampleIndex = in.readInt();
            int samples = in.readInt();
            Task task = Task.valueOf(readString(in));
            String prompt = readString(in);
            String tenant = readString(in);
            long requestSeed = in.readLong();
            String sampleId = readString(in);
            int[] prefix = readInts(in);
            int[] unconditional = in.readBoolean() ? readInts(in) : null;
            int maxNewTokens = in.readInt();
            TokenGrammar grammar = new TokenGrammar(readInts(in), readInts(in));
            SamplingConfig sampling = new SamplingConfig(in.readFloat(), in.readInt(), in.readFloat(), in.readFloat(),
                    in.readLong());
            long age = in.readLong();
            SampleRequest request = new SampleRequest(sampleId, prefix, unconditional, maxNewTokens, grammar, sampling,
                    nowNanos - age);
            int[] generated = readInts(in);
            float[] logprobs = new float[generated.length];
            for (int i = 0; i < logprobs.length; i++) {
                logprobs[i] = in.readFloat();
            }
            long[] versions = new long[generated.length];
            for (int i = 0; i < versions.length; i++) {
                versions[i] = in.readLong();
            }
            int candidate = 0;
            int bestOf = 1;
            Finish finish = null;
            if (version >= 2) {
                candidate = in.readInt();
                bestOf = in.readInt();
                if (in.readBoolean()) {
                    FinishReason reason = FinishReason.valueOf(readString(in));
                    finish = new Finish(reason, new SampleTimings(in.readLong(), in.readLong(), in.readLong(),
                            in.readInt()));
                }
            }
            SampleMeta meta = new SampleMeta(requestId, sampleIndex, samples, task, prompt, tenant, requestSeed,
                    candidate, bestOf);
            return new Entry(meta, new SampleState(request, generated, logprobs, versions), finish);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt in-flight sample state", e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void writeInts(DataOutputStream out, int[] values) throws IOException {
        out.writeInt(values.length);
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static int[] readInts(DataInputStream in) throws IOException {
        int[] values = new int[in.readInt()];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readInt();
        }
        return values;
    }
}
