package io.tessera.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.ingest.TestMedia;
import io.tessera.media.Wav;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

class ClipWriterTest {

    @Test
    void writesFramesAGifAndTheConcatenatedAudioPerSample() throws Exception {
        Path dir = Path.of("target/tmp/clipwriter-" + System.nanoTime());
        ClipWriter w = new ClipWriter(dir);
        w.frame(0, 1, TestMedia.png(16, 16, 4));
        w.frame(0, 0, TestMedia.png(16, 16, 0));
        w.frame(1, 0, TestMedia.png(16, 16, 8));
        w.audio(0, 1, TestMedia.wav(300, 16000));
        w.audio(0, 0, TestMedia.wav(200, 16000));
        List<Path> files = w.finish();

        assertThat(dir.resolve("sample-0/frame-000.png")).exists();
        assertThat(dir.resolve("sample-0/frame-001.png")).exists();
        assertThat(dir.resolve("sample-1/frame-000.png")).exists();
        assertThat(files).contains(dir.resolve("sample-0/clip.gif"), dir.resolve("sample-1/clip.gif"),
                dir.resolve("sample-0/audio.wav"));
        assertThat(gifFrames(dir.resolve("sample-0/clip.gif"))).isEqualTo(2);
        Wav.Audio audio = Wav.decode(Files.readAllBytes(dir.resolve("sample-0/audio.wav")));
        assertThat(audio.samples()).hasSize(500);
        assertThat(audio.sampleRate()).isEqualTo(16000);
        try (var listing = Files.walk(dir)) {
            assertThat(listing.filter(p -> p.toString().endsWith(".part"))).isEmpty();
        }
    }

    static int gifFrames(Path gif) throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
            r.setInput(in);
            int n = r.getNumImages(true);
            r.dispose();
            return n;
        }
    }
}
