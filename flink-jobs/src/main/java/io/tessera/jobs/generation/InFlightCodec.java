package io.tessera.jobs.generation;

import io.tessera.generator.engine.SampleRequest;
import io.tessera.generator.engine.SampleState;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.engine.TokenGrammar;
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
 * <p>The request's arrival time is a {@link System#nanoTime()} reading, meaningless in another JVM, so it
 * is stored as the sample's age at snapshot time and rebased on the restoring JVM's clock.
 */
final class InFlightCodec {

    static final int VERSION = 1;

    /** A decoded entry. */
    record Entry(SampleMeta meta, SampleState state) {}

    private InFlightCodec() {}

    static byte[] encode(SampleMeta meta, SampleState state, long nowNanos) {
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Entry decode(byte[] data, long nowNanos) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalStateException("in-flight sample state version " + version + " is not " + VERSION);
            }
            SampleMeta meta = new SampleMeta(readString(in), in.readInt(), in.readInt(), Task.valueOf(readString(in)),
                    readString(in), readString(in), in.readLong());
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
            return new Entry(meta, new SampleState(request, generated, logprobs, versions));
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
