package io.tessera.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/** PNG to and from {@link BufferedImage}: the format of every video frame on the media topics. */
public final class Png {

  /** The MIME type MediaChunk.contentType carries for frames. */
  public static final String CONTENT_TYPE = "image/png";

  /** The eight bytes every PNG file starts with. */
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  private Png() {}

  /** Lossless PNG of an image. */
  public static byte[] encode(BufferedImage image) {
    if (image == null) {
      throw new MediaFormatException("cannot encode a null image as PNG");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(image.getWidth() * image.getHeight() + 1024);
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new MediaFormatException("no PNG writer for image type " + image.getType());
      }
    } catch (IOException e) {
      throw new MediaFormatException("PNG encoding failed: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /** Decodes a PNG into a {@link BufferedImage#TYPE_INT_RGB} image (alpha, if any, is dropped). */
  public static BufferedImage decode(byte[] png) {
    if (png == null || png.length == 0) {
      throw new MediaFormatException("no bytes to decode as PNG");
    }
    if (!isPng(png)) {
      throw new MediaFormatException("not a PNG: the " + png.length + " bytes lack the PNG signature");
    }
    BufferedImage img;
    try {
      img = ImageIO.read(new ByteArrayInputStream(png));
    } catch (IOException | RuntimeException e) {
      throw new MediaFormatException("corrupt PNG (" + png.length + " bytes): " + e.getMessage(), e);
    }
    if (img == null) {
      throw new MediaFormatException("corrupt PNG (" + png.length + " bytes): no image decoded");
    }
    return toRgb(img);
  }

  /** Whether the bytes start with the PNG signature. */
  public static boolean isPng(byte[] bytes) {
    if (bytes == null || bytes.length < SIGNATURE.length) {
      return false;
    }
    for (int i = 0; i < SIGNATURE.length; i++) {
      if (bytes[i] != SIGNATURE[i]) {
        return false;
      }
    }
    return true;
  }

  /** The image itself if already TYPE_INT_RGB, else a TYPE_INT_RGB copy. */
  static BufferedImage toRgb(BufferedImage img) {
    if (img.getType() == BufferedImage.TYPE_INT_RGB) {
      return img;
    }
    BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        rgb.setRGB(x, y, img.getRGB(x, y) & 0xFFFFFF);
      }
    }
    return rgb;
  }
}
