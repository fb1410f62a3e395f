package io.tessera.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Node;

class AnimatedGifTest {

  /** A red disc moving left over a white background. */
  static List<BufferedImage> clip(int frames) {
    List<BufferedImage> out = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, 64, 64);
      g.setColor(Color.RED);
      g.fillOval(44 - 4 * i, 24, 16, 16);
      g.dispose();
      out.add(img);
    }
    return out;
  }

  @Test
  void writesALoopingGifWithEveryFrameAndTheDelay() throws Exception {
    byte[] gif = AnimatedGif.encode(clip(8), 125);
    assertThat(new String(gif, 0, 6, "US-ASCII")).isEqualTo("GIF89a");

    ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
      reader.setInput(in);
      assertThat(reader.getNumImages(true)).isEqualTo(8);
      for (int i = 0; i < 8; i++) {
        IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0");
        Node gce = root.getElementsByTagName("GraphicControlExtension").item(0);
        assertThat(gce.getAttributes().getNamedItem("delayTime").getNodeValue()).isEqualTo("13");  // 125 ms
      }
      IIOMetadataNode first = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
      IIOMetadataNode app = (IIOMetadataNode) first.getElementsByTagName("ApplicationExtension").item(0);
      assertThat(app.getAttribute("applicationID")).isEqualTo("NETSCAPE");
      assertThat((byte[]) app.getUserObject()).containsExactly(1, 0, 0);
      // The disc moved: the last frame's pixel where the disc started is background again.
      BufferedImage f0 = reader.read(0);
      BufferedImage f7 = reader.read(7);
      assertThat(new Color(f0.getRGB(52, 32)).getRed()).isGreaterThan(200);
      assertThat(new Color(f0.getRGB(52, 32)).getGreen()).isLessThan(60);
      assertThat(new Color(f7.getRGB(52, 32)).getGreen()).isGreaterThan(200);
    } finally {
      reader.dispose();
    }
  }

  @Test
  void badArgumentsAreTypedErrors() {
    assertThatThrownBy(() -> AnimatedGif.encode(List.of(), 100)).isInstanceOf(MediaFormatException.class);
    assertThatThrownBy(() -> AnimatedGif.encode(null, 100)).isInstanceOf(MediaFormatException.class);
    assertThatThrownBy(() -> AnimatedGif.encode(clip(1), -5)).isInstanceOf(MediaFormatException.class);
  }
}
