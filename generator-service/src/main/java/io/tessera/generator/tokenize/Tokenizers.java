package io.tessera.generator.tokenize;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The trained video and audio tokenizers with their shared {@link Vocabulary}, speaking vocabulary
 * ids (not raw codes). Loaded from a model directory or from the shipped default model resources.
 */
public final class Tokenizers {
    public static final String VIDEO_FILE = "video-tokenizer.bin";
    public static final String AUDIO_FILE = "audio-tokenizer.bin";
    /** Classpath folder of the shipped default model. */
    public static final String DEFAULT_RESOURCE_DIR = "io/tessera/generator/default-model/";

    private final VideoTokenizer video;
    private final AudioTokenizer audio;
    private final Vocabulary vocabulary;
    private final String id;

    public Tokenizers(VideoTokenizer video, AudioTokenizer audio, String id) {
        this.video = video;
        this.audio = audio;
        this.vocabulary = new Vocabulary(video.codebookSize(), audio.codebookSize());
        this.id = id;
    }

    /** The shipped tokenizers (classpath resources). */
    public static Tokenizers loadDefault() {
        return fromBytes(resource(VIDEO_FILE), resource(AUDIO_FILE), "classpath:" + DEFAULT_RESOURCE_DIR);
    }

    /** Tokenizers from {@code dir}: {@value #VIDEO_FILE} and {@value #AUDIO_FILE}. */
    public static Tokenizers load(Path dir) {
        try {
            return fromBytes(Files.readAllBytes(dir.resolve(VIDEO_FILE)), Files.readAllBytes(dir.resolve(AUDIO_FILE)),
                    dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizers from " + dir, e);
        }
    }

    public static boolean presentIn(Path dir) {
        return Files.isRegularFile(dir.resolve(VIDEO_FILE)) && Files.isRegularFile(dir.resolve(AUDIO_FILE));
    }

    static Tokenizers fromBytes(byte[] videoBytes, byte[] audioBytes, String where) {
        try {
            VideoTokenizer v = VideoTokenizer.read(new ByteArrayInputStream(videoBytes));
            AudioTokenizer a = AudioTokenizer.read(new ByteArrayInputStream(audioBytes));
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(videoBytes);
            md.update(audioBytes);
            return new Tokenizers(v, a, HexFormat.of().formatHex(md.digest(), 0, 8));
        } catch (IOException e) {
            throw new UncheckedIOException("malformed tokenizer files in " + where + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = Tokenizers.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("the shipped tokenizer " + DEFAULT_RESOURCE_DIR + name
                        + " is missing from the classpath; run TrainTokenizers (see generator-service/README.md)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULT_RESOURCE_DIR + name, e);
        }
    }

    public VideoTokenizer video() {
        return video;
    }

    public AudioTokenizer audio() {
        return audio;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** First 16 hex digits of SHA-256 over both tokenizer files. */
    public String id() {
        return id;
    }

    /** One frame (any image) to its {@value VideoTokenizer#TOKENS_PER_FRAME} video ids. */
    public int[] encodeFrame(BufferedImage frame) {
        int[] codes = video.encode(frame);
        for (int i = 0; i < codes.length; i++) {
            codes[i] = vocabulary.video(codes[i]);
        }
        return codes;
    }

    public BufferedImage decodeFrame(int[] videoIds) {
        if (videoIds == null) {
            throw new IllegalArgumentException("video tokens are null");
        }
        int[] codes = new int[videoIds.length];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = vocabulary.videoCode(videoIds[i]);
        }
        return video.decode(codes);
    }

    /** 16 kHz audio to one audio id per frame (2000 samples; a partial last frame counts). */
    public int[] encodeAudio(float[] pcm16k) {
        int[] codes = audio.encode(pcm16k);
        for (int i = 0; i < codes.length; i++) {
            codes[i] = vocabulary.audio(codes[i]);
        }
        return codes;
    }

    public float[] decodeAudio(int[] audioIds) {
        if (audioIds == null) {
            throw new IllegalArgumentException("audio tokens are null");
        }
        int[] codes = new int[audioIds.length];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = vocabulary.audioCode(audioIds[i]);
        }
        return audio.decode(codes);
    }

    /** The audio id of a silent frame (code 0). */
    public int silenceId() {
        return vocabulary.audio(0);
    }
}
