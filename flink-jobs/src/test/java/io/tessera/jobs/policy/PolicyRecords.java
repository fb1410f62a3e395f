package io.tessera.jobs.policy;

import io.tessera.jobs.io.RawRecord;
import io.tessera.records.Feedback;
import io.tessera.records.FeedbackKind;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.Reward;
import io.tessera.records.Task;
import io.tessera.schemas.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.types.Either;

/** Records of the three PolicyJob inputs, built the way the generation and reward jobs build them. */
final class PolicyRecords {
    static final List<Integer> PREFIX = List.of(5, 6, 7);

    private PolicyRecords() {}

    /** Sample {@code index} of a {@code samples}-group: tokens {@code token} repeated {@code length} times. */
    static GenerationCompleted generation(String requestId, int index, int samples, int token, int length,
            long version) {
        List<Integer> tokens = new ArrayList<>();
        List<Float> logprobs = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            tokens.add(token + (i % 3));
            logprobs.add(-1f);
        }
        return GenerationCompleted.newBuilder()
                .setRequestId(requestId).setSampleIndex(index).setSamples(samples).setTask(Task.TEXT_TO_VIDEO)
                .setPrefixTokens(PREFIX).setTokens(tokens).setLogprobs(logprobs)
                .setPolicyVersion(version).setFirstPolicyVersion(version)
                .setFinishReason(FinishReason.LENGTH).build();
    }

    static Reward reward(String requestId, int index, double total, long version) {
        return Reward.newBuilder().setRequestId(requestId).setSampleIndex(index).setPolicyVersion(version)
                .setTotal(total).setComponents(Map.of("adherence", total)).setScorerVersion("test").build();
    }

    static Feedback preference(String requestId, int preferred, int rejected) {
        return Feedback.newBuilder().setRequestId(requestId).setKind(FeedbackKind.PREFERENCE)
                .setPreferredSample(preferred).setRejectedSample(rejected).build();
    }

    static Either<GenerationCompleted, Either<Reward, Feedback>> in(GenerationCompleted g) {
        return Either.Left(g);
    }

    static Either<GenerationCompleted, Either<Reward, Feedback>> in(Reward r) {
        return Either.Right(Either.Left(r));
    }

    static Either<GenerationCompleted, Either<Reward, Feedback>> in(Feedback f) {
        return Either.Right(Either.Right(f));
    }

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecordBase> RawRecord raw(String topic, String key, T record) {
        return RawRecord.of(topic, key.getBytes(StandardCharsets.UTF_8),
                RecordCodec.of((Class<T>) record.getClass()).encode(record));
    }
}
