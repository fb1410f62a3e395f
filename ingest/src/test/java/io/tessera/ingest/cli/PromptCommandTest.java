package io.tessera.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PromptCommandTest {

    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        assertThat(PromptCommand.run(new String[] {"--help"}, out, err)).isZero();
        assertThat(out()).contains("Usage: tessera prompt", "--top-p", "--video FILE|DIR...", "--data-dir",
                "Exit codes", "5 gateway or Kafka unreachable");
        assertThat(err()).isEmpty();
    }

    @Test
    void usageErrorsExitTwoWithOneLineThatSaysWhatToDo() {
        String[][] bad = {
            {},
            {"a", "b"},
            {"p", "--frames", "many"},
            {"p", "--temperature"},
            {"p", "--colour", "red"},
            {"p", "--gateway", "ftp://x"},
            {"p", "--task", "IMAGE_TO_VIDEO", "--image", "target/does-not-exist.png"},
            {"p", "--timeout", "0"},
            {"p", "--task", "VIDEO_CONTINUATION", "--video", "target/does-not-exist"},
            {"p", "--task", "VIDEO_CONTINUATION", "--audio", "sound.mp3"},
        };
        for (String[] args : bad) {
            errBytes.reset();
            assertThat(PromptCommand.run(args, out, err)).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err().lines().count()).as(err()).isEqualTo(1);
            assertThat(err()).startsWith("tessera prompt: ").contains("--help");
        }
    }

    @Test
    void optionsParseWithSpaceOrEqualsAndVideoTakesSeveralFiles() throws Exception {
        Path dir = java.nio.file.Files.createDirectories(Path.of("target/tmp/prompt-options"));
        Path a = java.nio.file.Files.write(dir.resolve("a.png"), io.tessera.ingest.TestMedia.png(8, 8, 0));
        Path b = java.nio.file.Files.write(dir.resolve("b.png"), io.tessera.ingest.TestMedia.png(8, 8, 1));
        PromptOptions o = PromptOptions.parse(new String[] {"--task=VIDEO_CONTINUATION", "--video", a.toString(),
            b.toString(),
            "--frames", "4", "--samples=2", "--best-of", "3", "--seed", "-3", "--temperature", "0.8", "--top-k", "20", "--top-p",
            "0.9", "--guidance", "2.5", "--out", "o", "--gateway", "http://127.0.0.1:1234/"});
        assertThat(o.video()).containsExactly(a, b);
        assertThat(o.prompt()).isNull();
        assertThat(o.frames()).isEqualTo(4);
        assertThat(o.samples()).isEqualTo(2);
        assertThat(o.bestOf()).isEqualTo(3);
        assertThat(o.seed()).isEqualTo(-3L);
        assertThat(o.topK()).isEqualTo(20);
        assertThat(o.guidance()).isEqualTo(2.5);
        assertThat(o.gateway().toString()).isEqualTo("http://127.0.0.1:1234");
        assertThat(o.framesAsked()).isEqualTo(8);
        assertThat(PromptCommand.requestBody(o).toString()).contains("\"task\":\"VIDEO_CONTINUATION\"",
                "\"samples\":2,\"bestOf\":3",
                "\"sampling\":{\"temperature\":0.8,\"topK\":20,\"topP\":0.9,\"guidanceScale\":2.5}",
                "\"video\":[\"" + java.util.Base64.getEncoder().encodeToString(java.nio.file.Files.readAllBytes(a)));
        assertThatThrownBy(() -> PromptOptions.parse(new String[] {"p", "--video"}))
                .hasMessageContaining("--video needs");
    }

    @Test
    void videoTakesAFolderOfFramesInNameOrderOrAnAnimatedGif() throws Exception {
        Path dir = java.nio.file.Files.createDirectories(Path.of("target/tmp/prompt-video-" + System.nanoTime()));
        Path frames = java.nio.file.Files.createDirectories(dir.resolve("frames"));
        byte[] f0 = io.tessera.ingest.TestMedia.png(8, 8, 0);
        byte[] f1 = io.tessera.ingest.TestMedia.png(8, 8, 200);
        java.nio.file.Files.write(frames.resolve("frame-001.png"), f1);
        java.nio.file.Files.write(frames.resolve("frame-000.png"), f0);
        java.nio.file.Files.writeString(frames.resolve("notes.txt"), "not a frame");
        assertThat(VideoFrames.read(frames)).containsExactly(f0, f1);

        java.util.List<java.awt.image.BufferedImage> images = java.util.List.of(
                io.tessera.media.Png.decode(f0), io.tessera.media.Png.decode(f1),
                io.tessera.media.Png.decode(io.tessera.ingest.TestMedia.png(8, 8, 100)));
        Path gif = java.nio.file.Files.write(dir.resolve("clip.gif"), io.tessera.media.AnimatedGif.encode(images,
                125));
        java.util.List<byte[]> fromGif = VideoFrames.read(gif);
        assertThat(fromGif).hasSize(3);
        for (int i = 0; i < 3; i++) {
            java.awt.image.BufferedImage back = io.tessera.media.Png.decode(fromGif.get(i));
            assertThat(back.getWidth()).isEqualTo(8);
            // GIF palettes are lossy; the colour of each frame survives closely.
            int want = images.get(i).getRGB(4, 4) & 0xFFFFFF;
            int got = back.getRGB(4, 4) & 0xFFFFFF;
            for (int shift = 0; shift <= 16; shift += 8) {
                assertThat(Math.abs((want >> shift & 0xFF) - (got >> shift & 0xFF))).as("frame %d", i)
                        .isLessThanOrEqualTo(24);
            }
        }
        PromptOptions o = PromptOptions.parse(new String[] {"--task", "VIDEO_TO_AUDIO", "--video", frames.toString(),
            gif.toString()});
        assertThat(PromptCommand.requestBody(o).get("video")).hasSize(5);
        assertThatThrownBy(() -> VideoFrames.read(java.nio.file.Files.createDirectories(dir.resolve("empty"))))
                .hasMessageContaining("no .png or .jpg frames");
        Path notGif = java.nio.file.Files.writeString(dir.resolve("bad.gif"), "GIF89a but not really");
        assertThatThrownBy(() -> VideoFrames.read(notGif)).isInstanceOf(UsageException.class)
                .hasMessageContaining("--video");
    }

    @Test
    void anUnreachableGatewayIsOneLineSayingHowToStartIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int code = PromptCommand.run(new String[] {"a red circle", "--gateway", "http://127.0.0.1:" + port,
            "--out", "target/tmp/unreachable"}, out, err);
        assertThat(code).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(err().trim()).isEqualTo("tessera prompt: cannot reach the gateway at http://127.0.0.1:" + port
                + ": start it with bin/tessera up (or point --gateway at a running one)");
    }

    @Test
    void progressBarRendersFramesDoneOfFramesAsked() {
        assertThat(ProgressBar.render(0, 16, "frames")).isEqualTo("[" + "-".repeat(30) + "] 0/16 frames");
        assertThat(ProgressBar.render(8, 16, "frames")).isEqualTo("[" + "#".repeat(15) + "-".repeat(15)
                + "] 8/16 frames");
        assertThat(ProgressBar.render(20, 16, "frames")).startsWith("[" + "#".repeat(30) + "]");
        ProgressBar bar = new ProgressBar(out, 2, "frames");
        bar.advance();
        bar.advance();
        bar.finish();
        assertThat(out()).isEqualTo("\r[" + "#".repeat(15) + "-".repeat(15) + "] 1/2 frames\r["
                + "#".repeat(30) + "] 2/2 frames" + System.lineSeparator());
    }
}
