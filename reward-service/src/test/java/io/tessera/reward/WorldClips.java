package io.tessera.reward;

import io.tessera.generator.SequenceLayout;
import io.tessera.generator.tokenize.Tokenizers;
import io.tessera.generator.world.Clip;
import io.tessera.generator.world.ClipRenderer;
import io.tessera.generator.world.ClipSpec;
import io.tessera.generator.world.Split;
import io.tessera.records.Task;

/** Rendered world clips and the token streams a perfect generator would have produced for them. */
public final class WorldClips {
    private static Tokenizers tokenizers;

    private WorldClips() {}

    public static synchronized Tokenizers tokenizers() {
        if (tokenizers == null) {
            tokenizers = Tokenizers.loadDefault();
        }
        return tokenizers;
    }

    public static Clip clip(long seed, Split split, int frames) {
        return ClipRenderer.render(ClipSpec.random(seed, split, frames));
    }

    /** The clip as a TEXT_TO_VIDEO generated stream: per frame 16 video ids then its audio id. */
    public static int[] textToVideoTokens(Clip clip) {
        Tokenizers t = tokenizers();
        int[] audio = t.encodeAudio(clip.audio());
        int per = new SequenceLayout(t.vocabulary()).generatedTokensPerFrame(Task.TEXT_TO_VIDEO);
        int[] out = new int[clip.frames().size() * per];
        for (int f = 0; f < clip.frames().size(); f++) {
            int[] video = t.encodeFrame(clip.frames().get(f));
            System.arraycopy(video, 0, out, f * per, video.length);
            out[f * per + per - 1] = audio[f];
        }
        return out;
    }
}
