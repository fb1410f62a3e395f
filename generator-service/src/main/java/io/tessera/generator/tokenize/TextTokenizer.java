package io.tessera.generator.tokenize;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Text is its UTF-8 bytes (ids 0..255), so every prompt is valid input; long prompts are cut. */
public final class TextTokenizer {
    /** Prompts longer than this many UTF-8 bytes are truncated (the default model saw at most ~70). */
    public static final int MAX_BYTES = 128;

    private TextTokenizer() {}

    public static int[] encode(String text) {
        if (text == null) {
            return new int[0];
        }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[Math.min(b.length, MAX_BYTES)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = b[i] & 0xff;
        }
        return ids;
    }

    /** Bytes back to text; invalid sequences become U+FFFD. */
    public static String decode(int[] ids) {
        byte[] b = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] > 255) {
                throw new IllegalArgumentException("text id " + ids[i] + " at " + i + " is not a byte");
            }
            b[i] = (byte) ids[i];
        }
        return new String(Arrays.copyOf(b, b.length), StandardCharsets.UTF_8);
    }
}
