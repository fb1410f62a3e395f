package io.tessera.jobs.generation;

import io.tessera.generator.Generator;
import io.tessera.generator.engine.EngineConfig;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.Detector;
import io.tessera.generator.world.Split;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.SamplingParams;
import io.tessera.records.Task;
import io.tessera.reward.ClipDecoder;
import io.tessera.reward.score.ScoringException;
import io.tessera.reward.score.ScoringInput;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Measurement, not a test: held-out adherence of best-of-1 against best-of-K through the generate operator
 * (Flink's harness, the shipped default model, the operator's own verifier). For each of {@code prompts} held-out
 * text-to-video prompts ({@code ClipSpec.random(SEED_BASE + i, Split.HELD_OUT, frames)}) it sends one request with
 * bestOf 1 and one with bestOf K, same seed (so best-of-1's sample is best-of-K's candidate 0), all in one engine
 * batch; each returned sample is decoded with reward-service's {@link ClipDecoder} and judged by the world's
 * {@link Detector}. Last line: {@code best_of_1=<x> best_of_K=<y>}.
 *
 * <pre>
 * java -cp flink-jobs/target/classes:flink-jobs/target/test-classes:CP io.tessera.jobs.generation.BestOfAdherence
 *     [prompts 8] [K 4] [frames 8]
 * </pre>
 */
public final class BestOfAdherence {

    /** Held-out prompt seeds: those of reward-service's BestOfNEval (EVAL_SEED_BASE + 800,000). */
    static final long SEED_BASE = 1_800_000L;

    private BestOfAdherence() {}

    public static void main(String[] args) throws Exception {
        int prompts = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int frames = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        long t0 = System.nanoTime();
        Map<String, String> promptOf = new HashMap<>();
        List<GenerationCompleted> done;
        try (var h = new GenerateHarness(Generator::loadDefault, new EngineConfig(32, 64, 2048), 1, 0)) {
            h.open();
            for (int i = 0; i < prompts; i++) {
                String prompt = ClipSpec.random(SEED_BASE + i, Split.HELD_OUT, frames).prompt();
                for (int bestOf : new int[] {1, k}) {
                    String id = "p" + i + "-best-of-" + bestOf;
                    promptOf.put(id, prompt);
                    // The gateway's default guidance 3; temperature and top-p as reward-service's BestOfNEval.
                    h.prompt(GenerationRequest.newBuilder().setRequestId(id).setTask(Task.TEXT_TO_VIDEO)
                            .setPrompt(prompt).setSampling(SamplingParams.newBuilder().setFrames(frames)
                                    .setTemperature(0.8f).setTopP(0.95f).setGuidanceScale(3f).setSeed(SEED_BASE + i)
                                    .setSamples(1).setBestOf(bestOf).build())
                            .build());
                }
            }
            h.endPrompts();
            done = h.getSideOutput(GenerateOperator.COMPLETED).stream().map(StreamRecord::getValue).toList();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] sum = new double[2];
        int[] n = new int[2];
        try (Generator g = Generator.loadDefault()) {
            ClipDecoder decoder = new ClipDecoder(g.tokenizers());
            for (GenerationCompleted c : done.stream()
                    .sorted(java.util.Comparator.comparing(GenerationCompleted::getRequestId)).toList()) {
                String prompt = promptOf.get(c.getRequestId());
                int[] tokens = c.getTokens().stream().mapToInt(Integer::intValue).toArray();
                double adherence;
                try {
                    ScoringInput clip = decoder.decode(Task.TEXT_TO_VIDEO, prompt, null, tokens);
                    adherence = Detector.detect(clip.frames(), clip.audio(), prompt).adherence();
                } catch (ScoringException e) {
                    adherence = 0;
                }
                int arm = c.getBestOf() > 1 ? 1 : 0;
                sum[arm] += adherence;
                n[arm]++;
                System.out.printf(Locale.ROOT, "%-16s %-55s adherence %.3f verifier %s%n", c.getRequestId(), prompt,
                        adherence, c.getVerifierScores());
            }
        }
        System.out.printf(Locale.ROOT, "%d held-out prompts, %d frames, %.0f s through the operator (%d samples)%n",
                prompts, frames, seconds, prompts * (1 + k));
        System.out.printf(Locale.ROOT, "best_of_1=%.3f best_of_%d=%.3f%n", sum[0] / n[0], k, sum[1] / n[1]);
    }
}
