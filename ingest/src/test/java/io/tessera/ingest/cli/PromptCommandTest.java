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
        assertThat(out()).contains("Usage: tessera prompt", "--top-p", "--video FILE...", "Exit codes");
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
            "--frames", "4", "--samples=2", "--seed", "-3", "--temperature", "0.8", "--top-k", "20", "--top-p",
            "0.9", "--guidance", "2.5", "--out", "o", "--gateway", "http://127.0.0.1:1234/"});
        assertThat(o.video()).containsExactly(a, b);
        assertThat(o.prompt()).isNull();
        assertThat(o.frames()).isEqualTo(4);
        assertThat(o.samples()).isEqualTo(2);
        assertThat(o.seed()).isEqualTo(-3L);
        assertThat(o.topK()).isEqualTo(20);
        assertThat(o.guidance()).isEqualTo(2.5);
        assertThat(o.gateway().toString()).isEqualTo("http://127.0.0.1:1234");
        assertThat(o.framesAsked()).isEqualTo(8);
        assertThat(PromptCommand.requestBody(o).toString()).contains("\"task\":\"VIDEO_CONTINUATION\"",
                "\"sampling\":{\"temperature\":0.8,\"topK\":20,\"topP\":0.9,\"guidanceScale\":2.5}",
                "\"video\":[\"" + java.util.Base64.getEncoder().encodeToString(java.nio.file.Files.readAllBytes(a)));
        assertThatThrownBy(() -> PromptOptions.parse(new String[] {"p", "--video"}))
                .hasMessageContaining("--video needs");
    }

    @Test
    void anUnreachableGatewayIsOneLineSayingHowToStartIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int code = PromptCommand.run(new String[] {"a red circle", "--gateway", "http://127.0.0.1:" + port,
            "--out", "target/tmp/unreachable"}, out, err);
        assertThat(code).isEqualTo(1);
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
