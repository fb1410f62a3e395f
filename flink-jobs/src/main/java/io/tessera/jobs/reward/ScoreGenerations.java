package io.tessera.jobs.reward;

import io.tessera.generator.Generator;
import io.tessera.jobs.GeneratorLoader;
import io.tessera.jobs.io.DeadLetters;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.Reward;
import io.tessera.reward.ClipDecoder;
import io.tessera.reward.RewardConfig;
import io.tessera.reward.RewardResult;
import io.tessera.reward.score.ScoringException;
import io.tessera.reward.score.ScoringInput;
import io.tessera.schemas.RecordCodec;
import io.tessera.schemas.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes a generation's tokens with the generator's tokenizers ({@link ClipDecoder}) and scores the clip
 * with the configured {@link io.tessera.reward.Reward}. A generation whose tokens belong to another
 * model's tokenizers, break the task's layout, or cannot be scored becomes a dead letter with the reason
 * (the record re-encoded as the value). Stateless: one reward and one generator per subtask.
 */
final class ScoreGenerations extends ProcessFunction<GenerationCompleted, Reward> {
    private static final long serialVersionUID = 1L;

    private final GeneratorLoader loader;
    private final RewardConfig config;
    private transient Generator generator;
    private transient ClipDecoder decoder;
    private transient io.tessera.reward.Reward reward;
    private transient RecordCodec<GenerationCompleted> codec;
    private transient Counter scored;
    private transient Counter rejected;

    ScoreGenerations(GeneratorLoader loader, RewardConfig config) {
        this.loader = loader;
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        generator = loader.load();
        decoder = new ClipDecoder(generator.tokenizers());
        reward = io.tessera.reward.Reward.of(config);
        codec = RecordCodec.of(GenerationCompleted.class);
        scored = getRuntimeContext().getMetricGroup().counter("rewardsScored");
        rejected = getRuntimeContext().getMetricGroup().counter("generationsDeadLettered");
    }

    @Override
    public void processElement(GenerationCompleted g, Context ctx, Collector<Reward> out) {
        String tokenizersId = generator.tokenizers().id();
        String modelId = g.getModelId();
        if (modelId != null && !modelId.isEmpty() && !modelId.endsWith("-" + tokenizersId)) {
            reject(g, ctx, "tokens come from model " + modelId + " whose tokenizers are not this job's ("
                    + tokenizersId + ")", null);
            return;
        }
        RewardResult r;
        try {
            ScoringInput clip = decoder.decode(g.getTask(), g.getPrompt(), ints(g.getPrefixTokens()), ints(g.getTokens()));
            r = reward.score(clip);
        } catch (ScoringException e) {
            reject(g, ctx, "cannot score: " + e.getMessage(), e);
            return;
        } catch (RuntimeException e) {
            reject(g, ctx, "cannot decode or score: " + DeadLetters.describe(e), e);
            return;
        }
        Map<String, Double> components = new HashMap<>(r.components());
        out.collect(Reward.newBuilder()
                .setRequestId(g.getRequestId())
                .setSampleIndex(g.getSampleIndex())
                .setPolicyVersion(g.getPolicyVersion())
                .setTotal(r.total())
                .setComponents(components)
                .setScorerVersion(r.scorerVersion())
                .setScoredAtMs(System.currentTimeMillis())
                .build());
        scored.inc();
    }

    private void reject(GenerationCompleted g, Context ctx, String reason, Throwable error) {
        ctx.output(DeadLetters.TAG, DeadLetters.ofDecoded(Topics.GENERATIONS.name(), g.getRequestId(), codec.encode(g),
                RewardJob.SCORE_STAGE, reason, error));
        rejected.inc();
    }

    static int[] ints(List<Integer> list) {
        if (list == null) {
            return null;
        }
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    @Override
    public void close() {
        if (reward != null) {
            reward.close();
            reward = null;
        }
        if (generator != null) {
            generator.close();
            generator = null;
        }
    }
}
