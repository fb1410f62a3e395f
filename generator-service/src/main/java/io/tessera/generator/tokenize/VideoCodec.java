package io.tessera.generator.tokenize;

import java.awt.image.BufferedImage;

/** A discrete frame codec: one 64x64 RGB frame to a fixed number of codes in [0, codebookSize) and back. */
public interface VideoCodec {

    int tokensPerFrame();

    int codebookSize();

    /** Any image; resized to 64x64 first when needed. */
    int[] encode(BufferedImage frame);

    /** {@link #tokensPerFrame()} codes to a 64x64 RGB image. */
    BufferedImage decode(int[] codes);
}
