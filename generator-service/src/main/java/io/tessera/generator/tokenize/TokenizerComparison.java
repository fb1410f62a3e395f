package io.tessera.generator.tokenize;

import io.tessera.generator.world.Clip;
import io.tessera.generator.world.ClipRenderer;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.DetectionReport;
import io.tessera.generator.world.Detector;
import io.tessera.generator.world.Split;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures video tokenizer options on held-out clips (PSNR, detector adherence after the round
 * trip) and the audio tokenizer (log-spectral distance, tones and clicks after the round trip).
 * {@code java ... io.tessera.generator.tokenize.TokenizerComparison [trainClips] [evalClips]}.
 */
public final class TokenizerComparison {

    private TokenizerComparison() {}

    public static void main(String[] args) {
        int trainClips = args.length > 0 ? Integer.parseInt(args[0]) : TrainTokenizers.DEFAULT_CLIPS;
        int evalClips = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        boolean all = args.length > 2 && args[2].equals("all");
        List<BufferedImage> trainFrames = new ArrayList<>();
        List<float[]> trainAudio = new ArrayList<>();
        for (int s = 0; s < trainClips; s++) {
            Clip c = ClipRenderer.render(ClipSpec.random(s, Split.TRAIN));
            trainFrames.addAll(c.frames());
            trainAudio.add(c.audio());
        }
        List<Clip> eval = new ArrayList<>();
        for (int s = 0; s < evalClips; s++) {
            eval.add(ClipRenderer.render(ClipSpec.random(TrainTokenizers.EVAL_SEED_BASE + s, Split.HELD_OUT)));
        }
        System.out.printf("ground truth: adherence %.4f%n", adherence(eval, null));
        List<Object[]> options = new ArrayList<>();
        options.add(new Object[] {"palette-mask 16x16, 256 masks", VideoTokenizer.train(trainFrames, 256, 30, 7)});
        if (all) {
            options.add(new Object[] {"palette-mask 16x16, 512 masks", VideoTokenizer.train(trainFrames, 512, 30, 7)});
            options.add(new Object[] {"rgb k-means 8x8, 1024 codes",
                RgbPatchTokenizer.train(trainFrames, 8, 1024, 10, 7)});
            options.add(new Object[] {"rgb k-means 16x16, 2048 codes",
                RgbPatchTokenizer.train(trainFrames.subList(0, trainFrames.size() / 4), 16, 2048, 6, 7)});
        }
        for (Object[] o : options) {
            VideoCodec codec = (VideoCodec) o[1];
            double mse = 0;
            int n = 0;
            for (Clip c : eval) {
                for (BufferedImage f : c.frames()) {
                    mse += Images.mse(f, codec.decode(codec.encode(f)));
                    n++;
                }
            }
            System.out.printf("%-32s tokens/frame %2d codebook %5d  PSNR %.2f dB  adherence after round trip %.4f%n",
                    o[0], codec.tokensPerFrame(), codec.codebookSize(), Images.psnr(mse / n), adherence(eval, codec));
        }
        AudioTokenizer audio = AudioTokenizer.train(trainAudio, AudioTokenizer.DEFAULT_CODES, 30, 7);
        double lsd = 0;
        int toneOk = 0;
        int clickOk = 0;
        int toneOkGt = 0;
        int clickOkGt = 0;
        for (Clip c : eval) {
            float[] back = audio.decode(audio.encode(c.audio()));
            lsd += AudioTokenizer.logSpectralDistance(c.audio(), back);
            DetectionReport gt = Detector.detect(c.frames(), c.audio(), c.prompt());
            DetectionReport rt = Detector.detect(c.frames(), back, c.prompt());
            toneOkGt += gt.toneAdherence() == 1 ? 1 : 0;
            clickOkGt += gt.clickFrames().equals(c.bounceFrames()) ? 1 : 0;
            toneOk += rt.toneAdherence() == 1 ? 1 : 0;
            clickOk += rt.clickFrames().equals(c.bounceFrames()) ? 1 : 0;
        }
        System.out.printf("audio %d codes, 1 token/frame (8/s): LSD %.2f dB; tones right %d/%d (ground truth %d);"
                + " clicks exactly at bounces %d/%d (ground truth %d)%n", audio.codebookSize(), lsd / eval.size(),
                toneOk, eval.size(), toneOkGt, clickOk, eval.size(), clickOkGt);
    }

    static double adherence(List<Clip> clips, VideoCodec codec) {
        double sum = 0;
        for (Clip c : clips) {
            List<BufferedImage> frames = c.frames();
            if (codec != null) {
                frames = frames.stream().map(f -> codec.decode(codec.encode(f))).toList();
            }
            sum += Detector.detect(frames, null, c.prompt()).adherence();
        }
        return sum / clips.size();
    }
}
