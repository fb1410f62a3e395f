package io.tessera.jobs.io;

import io.tessera.schemas.RecordCodec;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Bytes to Avro records: every {@link RawRecord} either becomes a record (decoded with the topic's
 * {@link RecordCodec} and accepted by the validator) or a dead letter on {@link DeadLetters#TAG} naming
 * the stage and the reason. Nothing is dropped silently and nothing stops the job.
 */
public final class DecodeRecords<T extends SpecificRecordBase> extends ProcessFunction<RawRecord, T> {

    private final Class<T> type;
    private final String stage;
    private final RecordValidator<T> validator;
    private transient RecordCodec<T> codec;

    public DecodeRecords(Class<T> type, String stage, RecordValidator<T> validator) {
        this.type = type;
        this.stage = stage;
        this.validator = validator;
    }

    @Override
    public void open(OpenContext openContext) {
        codec = RecordCodec.of(type);
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
        String keyText = raw.key == null ? null : new String(raw.key, StandardCharsets.UTF_8);
        if (raw.value == null) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(raw, stage, "record has no value", null, keyText));
            return;
        }
        T record;
        try {
            record = codec.decode(raw.value);
        } catch (RuntimeException e) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(raw, stage,
                    "cannot decode " + type.getSimpleName() + ": " + DeadLetters.describe(e), e, keyText));
            return;
        }
        String problem;
        try {
            problem = validator.problem(record);
        } catch (RuntimeException e) {
            problem = "validation failed: " + DeadLetters.describe(e);
        }
        if (problem != null) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(raw, stage, problem, null, keyText));
            return;
        }
        out.collect(record);
    }
}
