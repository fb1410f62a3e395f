package io.tessera.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PngTest {

  static BufferedImage noise(int w, int h, long seed, int type) {
    Random rnd = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, 0xFF000000 | rnd.nextInt(1 << 24));
      }
    }
    return img;
  }

  static void assertSamePixels(BufferedImage a, BufferedImage b) {
    assertThat(b.getWidth()).isEqualTo(a.getWidth());
    assertThat(b.getHeight()).isEqualTo(a.getHeight());
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        assertThat(b.getRGB(x, y) & 0xFFFFFF).as("pixel (%d, %d)", x, y).isEqualTo(a.getRGB(x, y) & 0xFFFFFF);
      }
    }
  }

  @Test
  void roundTripIsExact() {
    BufferedImage img = noise(64, 48, 1, BufferedImage.TYPE_INT_RGB);
    byte[] png = Png.encode(img);
    assertThat(Png.isPng(png)).isTrue();
    BufferedImage back = Png.decode(png);
    assertThat(back.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    assertSamePixels(img, back);
  }

  @Test
  void otherImageTypesDecodeAsRgb() {
    BufferedImage argb = noise(16, 16, 2, BufferedImage.TYPE_INT_ARGB);
    BufferedImage back = Png.decode(Png.encode(argb));
    assertThat(back.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    assertSamePixels(argb, back);
  }

  @Test
  void garbageIsATypedError() {
    assertThatThrownBy(() -> Png.decode(new byte[] {1, 2, 3})).isInstanceOf(MediaFormatException.class)
        .hasMessageContaining("not a PNG");
    assertThatThrownBy(() -> Png.decode(null)).isInstanceOf(MediaFormatException.class);
    byte[] png = Png.encode(noise(32, 32, 3, BufferedImage.TYPE_INT_RGB));
    byte[] cut = Arrays.copyOf(png, png.length / 2);
    assertThatThrownBy(() -> Png.decode(cut)).isInstanceOf(MediaFormatException.class)
        .hasMessageContaining("corrupt PNG");
    assertThatThrownBy(() -> Png.encode(null)).isInstanceOf(MediaFormatException.class);
  }
}
