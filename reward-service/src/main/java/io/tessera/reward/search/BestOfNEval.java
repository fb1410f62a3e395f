package io.tessera.reward.search;

import io.tessera.generator.Generator;
import io.tessera.generator.engine.EngineConfig;
import io.tessera.generator.engine.SamplingConfig;
import io.tessera.generator.tokenize.TrainTokenizers;
import io.tessera.generator.world.DetectionReport;
import io.tessera.generator.world.Detector;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.ObjectVerdict;
import io.tessera.generator.world.PromptParser;
import io.tessera.generator.world.Split;
import io.tessera.reward.Reward;
import io.tessera.reward.RewardConfig;
import io.tessera.reward.learned.LearnedAdherenceScorer;
import io.tessera.reward.score.ScoringInput;
import io.tessera.schemas.SamplingDefaults;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How much best-of-N raises held-out prompt adherence. Generates N text-to-video candidates for each of
 * {@code --prompts} held-out prompts (held-out-split clip specs, seeds from {@link #SEED_BASE}) with the
 * model, then reports the detector's adherence of: candidate 0 (best-of-1, plain sampling), the mean
 * over all candidates (best-of-1's expectation), the best by the default reward (whose adherence term
 * <em>is</em> the detector, so this is the upper end) and the best by the learned scorer alone (a
 * verifier that shares no rule with the detector). It also prints how often the learned scorer agrees
 * with the detector on these generated clips. Last line:
 * {@code best_of_1=<x> best_of_N_reward=<y> best_of_N_learned=<z>}.
 *
 * <pre>
 * BestOfNEval [--prompts 16] [--n 4] [--frames 16] [--guidance G] [--temperature T] [--top-p P] [--model DIR]
 *     (sampling defaults: {@link SamplingDefaults})
 * </pre>
 */
public final class BestOfNEval {
    static final long SEED_BASE = TrainTokenizers.EVAL_SEED_BASE + 800_000L;

    record Options(int prompts, int n, int frames, float guidance, float temperature, float topP, Path model) {
        static Options parse(String[] args) {
            int prompts = 16;
            int n = 4;
            int frames = 16;
            float guidance = SamplingDefaults.GUIDANCE;
            float temperature = SamplingDefaults.TEMPERATURE;
            float topP = SamplingDefaults.TOP_P;
            Path model = null;
            for (int i = 0; i + 1 < args.length; i += 2) {
                String v = args[i + 1];
                switch (args[i]) {
                    case "--prompts" -> prompts = Integer.parseInt(v);
                    case "--n" -> n = Integer.parseInt(v);
                    case "--frames" -> frames = Integer.parseInt(v);
                    case "--guidance" -> guidance = Float.parseFloat(v);
                    case "--temperature" -> temperature = Float.parseFloat(v);
                    case "--top-p" -> topP = Float.parseFloat(v);
                    case "--model" -> model = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "; known: --prompts"
                            + " --n --frames --guidance --temperature --top-p --model");
                }
            }
            if (args.length % 2 != 0) {
                throw new IllegalArgumentException("options come in --key value pairs");
            }
            if (prompts < 1 || n < 1 || frames < 4) {
                throw new IllegalArgumentException("need --prompts >= 1, --n >= 1, --frames >= 4");
            }
            return new Options(prompts, n, frames, guidance, temperature, topP, model);
        }
    }

    private BestOfNEval() {}

    public static void main(String[] args) {
        Options o = Options.parse(args);
        try (Generator g = o.model() == null ? Generator.loadDefault() : Generator.load(o.model());
                Reward reward = Reward.of(RewardConfig.DEFAULT);
                LearnedAdherenceScorer learned = LearnedAdherenceScorer.loadDefault()) {
            run(g, reward, learned, o, System.out);
        }
    }

    static double[] run(Generator g, Reward reward, LearnedAdherenceScorer learned, Options o, PrintStream out) {
        long t0 = System.nanoTime();
        List<BestOfN.Query> queries = new ArrayList<>();
        for (int i = 0; i < o.prompts(); i++) {
            String prompt = ClipSpec.random(SEED_BASE + i, Split.HELD_OUT, o.frames()).prompt();
            queries.add(BestOfN.Query.textToVideo(prompt, o.frames(),
                    new SamplingConfig(o.temperature(), 0, o.topP(), o.guidance(), SEED_BASE + i)));
        }
        out.printf(Locale.ROOT, "best-of-%d on %d held-out prompts, %d frames, guidance %.1f, model %s%n", o.n(),
                o.prompts(), o.frames(), o.guidance(), g.modelId());
        BestOfN search = new BestOfN(g, reward, EngineConfig.DEFAULT);
        List<BestOfN.Result> results = search.searchAll(queries, o.n());
        Reward learnedOnly = new Reward(List.of(new Reward.Weighted(learned, 1.0)));
        double first = 0;
        double mean = 0;
        double byReward = 0;
        double byLearned = 0;
        int agree = 0;
        int attributes = 0;
        for (int q = 0; q < results.size(); q++) {
            BestOfN.Result r = results.get(q);
            BestOfN.Result l = BestOfN.rescore(r, learnedOnly);
            first += adherence(r.candidates().get(0), queries.get(q).prompt());
            for (BestOfN.Candidate c : r.candidates()) {
                mean += adherence(c, queries.get(q).prompt()) / r.candidates().size();
                if (c.clip() != null) {
                    int[] a = agreement(c.clip(), learned);
                    agree += a[0];
                    attributes += a[1];
                }
            }
            double best = adherence(r.best(), queries.get(q).prompt());
            double bestL = adherence(l.best(), queries.get(q).prompt());
            byReward += best;
            byLearned += bestL;
            out.printf(Locale.ROOT, "%-60s totals %s  adherence first %.2f best-by-reward %.2f best-by-learned %.2f%n",
                    queries.get(q).prompt(), totals(r), adherence(r.candidates().get(0), queries.get(q).prompt()), best,
                    bestL);
        }
        int n = results.size();
        out.printf(Locale.ROOT, "held-out adherence (detector): best-of-1 %.3f (mean over all %d candidates %.3f);"
                + " best-of-%d by reward %.3f; best-of-%d by learned scorer %.3f%n", first / n, o.n(), mean / n,
                o.n(), byReward / n, o.n(), byLearned / n);
        out.printf(Locale.ROOT, "learned scorer agrees with the detector on %d/%d attributes of the generated clips"
                + " (%.3f); %.1f s%n", agree, attributes, attributes == 0 ? 0 : agree / (double) attributes,
                (System.nanoTime() - t0) / 1e9);
        out.printf(Locale.ROOT, "best_of_1=%.3f best_of_%d_reward=%.3f best_of_%d_learned=%.3f%n", first / n, o.n(),
                byReward / n, o.n(), byLearned / n);
        return new double[] {first / n, byReward / n, byLearned / n};
    }

    static double adherence(BestOfN.Candidate c, String prompt) {
        if (c.clip() == null) {
            return 0;
        }
        return Detector.detect(c.clip().frames(), c.clip().audio(), prompt).adherence();
    }

    /** {agreed, attributes}: learned (p >= 0.5) vs the detector per prompt attribute. */
    static int[] agreement(ScoringInput clip, LearnedAdherenceScorer learned) {
        var expected = PromptParser.parse(clip.prompt());
        DetectionReport report = Detector.detect(clip.frames(), clip.audio(), expected);
        List<double[]> l = learned.judge(clip.frames(), expected);
        int agreed = 0;
        for (int o = 0; o < expected.size(); o++) {
            ObjectVerdict v = report.verdicts().get(o);
            boolean[] det = {v.colourOk(), v.shapeOk(), v.motionOk()};
            for (int a = 0; a < 3; a++) {
                agreed += (l.get(o)[a] >= 0.5) == det[a] ? 1 : 0;
            }
        }
        return new int[] {agreed, 3 * expected.size()};
    }

    private static String totals(BestOfN.Result r) {
        StringBuilder sb = new StringBuilder("[");
        for (BestOfN.Candidate c : r.candidates()) {
            sb.append(sb.length() > 1 ? " " : "").append(String.format(Locale.ROOT, "%.2f", c.total()));
        }
        return sb.append(']').toString();
    }
}
