package io.tessera.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/** Looping animated GIF of a frame sequence, written with ImageIO's GIF writer and the NETSCAPE2.0 loop extension. */
public final class AnimatedGif {

  public static final String CONTENT_TYPE = "image/gif";
  private static final String METADATA_FORMAT = "javax_imageio_gif_image_1.0";

  private AnimatedGif() {}

  /**
   * Encodes frames as a GIF that loops forever.
   *
   * @param frames at least one frame; all are written at their own size (GIF quantises each to 256 colours)
   * @param frameDelayMs display time of each frame; GIF stores hundredths of a second, so this is rounded to 10 ms
   */
  public static byte[] encode(List<BufferedImage> frames, int frameDelayMs) {
    if (frames == null || frames.isEmpty()) {
      throw new MediaFormatException("an animated GIF needs at least one frame");
    }
    if (frameDelayMs < 0) {
      throw new MediaFormatException("frameDelayMs must be >= 0, got " + frameDelayMs);
    }
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
    if (!writers.hasNext()) {
      throw new MediaFormatException("this JVM has no GIF writer");
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      int centis = Math.round(frameDelayMs / 10f);
      for (int i = 0; i < frames.size(); i++) {
        BufferedImage frame = frames.get(i);
        if (frame == null) {
          throw new MediaFormatException("frame " + i + " is null");
        }
        BufferedImage rgb = Png.toRgb(frame);
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(rgb), param);
        configure(meta, centis, i == 0);
        writer.writeToSequence(new IIOImage(rgb, null, meta), param);
      }
      writer.endWriteSequence();
    } catch (IOException e) {
      throw new MediaFormatException("GIF encoding failed: " + e.getMessage(), e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static void configure(IIOMetadata meta, int delayCentis, boolean first) throws IIOInvalidTreeException {
    IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(METADATA_FORMAT);
    IIOMetadataNode gce = child(root, "GraphicControlExtension");
    gce.setAttribute("disposalMethod", "none");
    gce.setAttribute("userInputFlag", "FALSE");
    gce.setAttribute("transparentColorFlag", "FALSE");
    gce.setAttribute("delayTime", Integer.toString(delayCentis));
    gce.setAttribute("transparentColorIndex", "0");
    if (first) {
      // NETSCAPE2.0 application extension: sub-block 1, loop count 0 (little-endian) = loop forever.
      IIOMetadataNode apps = child(root, "ApplicationExtensions");
      IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
      app.setAttribute("applicationID", "NETSCAPE");
      app.setAttribute("authenticationCode", "2.0");
      app.setUserObject(new byte[] {0x1, 0, 0});
      apps.appendChild(app);
    }
    meta.setFromTree(METADATA_FORMAT, root);
  }

  private static IIOMetadataNode child(IIOMetadataNode root, String name) {
    for (int i = 0; i < root.getLength(); i++) {
      if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
        return (IIOMetadataNode) root.item(i);
      }
    }
    IIOMetadataNode node = new IIOMetadataNode(name);
    root.appendChild(node);
    return node;
  }
}
