package io.tessera.jobs.reward;

import io.tessera.generator.SequenceLayout;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.generator.world.Clip;
import io.tessera.generator.world.ClipRenderer;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.Split;
import io.tessera.jobs.io.RawRecord;
import io.tessera.records.FinishReason;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.Task;
import io.tessera.schemas.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** GenerationCompleted records for the reward tests: world clips tokenized as a perfect generator would emit them. */
final class Generations {
    private static Tokenizers tokenizers;

    private Generations() {}

    static synchronized Tokenizers tokenizers() {
        if (tokenizers == null) {
            tokenizers = Tokenizers.loadDefault();
        }
        return tokenizers;
    }

    static Clip clip(long seed, int frames) {
        return ClipRenderer.render(ClipSpec.random(seed, Split.HELD_OUT, frames));
    }

    /** The clip's frames and audio as a TEXT_TO_VIDEO generated stream. */
    static List<Integer> tokens(Clip clip) {
        Tokenizers t = tokenizers();
        int per = new SequenceLayout(t.vocabulary()).generatedTokensPerFrame(Task.TEXT_TO_VIDEO);
        int[] audio = t.encodeAudio(clip.audio());
        List<Integer> out = new ArrayList<>();
        for (int f = 0; f < clip.frames().size(); f++) {
            for (int id : t.encodeFrame(clip.frames().get(f))) {
                out.add(id);
            }
            out.add(audio[f]);
        }
        if (out.size() != clip.frames().size() * per) {
            throw new IllegalStateException("layout changed");
        }
        return out;
    }

    static GenerationCompleted generation(String requestId, int sample, String prompt, List<Integer> tokens,
            long policyVersion) {
        return GenerationCompleted.newBuilder()
                .setRequestId(requestId).setSampleIndex(sample).setSamples(2).setTask(Task.TEXT_TO_VIDEO)
                .setPrompt(prompt).setPrefixTokens(List.of()).setTokens(tokens)
                .setLogprobs(Collections.nCopies(tokens.size(), -0.5f)).setPolicyVersion(policyVersion)
                .setFirstPolicyVersion(policyVersion).setFinishReason(FinishReason.LENGTH)
                .setModelId("tessera-0000000000000000-" + tokenizers().id())
                .build();
    }

    static byte[] encode(GenerationCompleted g) {
        return RecordCodec.of(GenerationCompleted.class).encode(g);
    }

    static RawRecord raw(GenerationCompleted g) {
        return RawRecord.of("tessera.generations", g.getRequestId().getBytes(StandardCharsets.UTF_8), encode(g));
    }
}
