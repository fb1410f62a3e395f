package io.tessera.ingest.cli;

import io.tessera.media.Png;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;

/**
 * Conditioning video for {@code --video}: a folder of PNG/JPEG frames (in file-name order), an animated GIF (each
 * frame composed onto the canvas, as a viewer shows it, and re-encoded as PNG), or single PNG/JPEG files.
 */
final class VideoFrames {

    private VideoFrames() {}

    /** The frames of one {@code --video} argument, as image files' bytes (PNG for GIF frames). */
    static List<byte[]> read(Path path) throws UsageException {
        try {
            if (Files.isDirectory(path)) {
                List<Path> files;
                try (Stream<Path> s = Files.list(path)) {
                    files = s.filter(p -> isFrameFile(p.getFileName().toString())).sorted().toList();
                }
                if (files.isEmpty()) {
                    throw new UsageException("--video " + path + ": the folder holds no .png or .jpg frames");
                }
                List<byte[]> out = new ArrayList<>();
                for (Path f : files) {
                    out.add(Files.readAllBytes(f));
                }
                return out;
            }
            if (!Files.exists(path)) {
                throw new UsageException("--video " + path + ": no such file or folder");
            }
            if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gif")) {
                return gifFrames(path);
            }
            return List.of(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new UsageException("--video " + path + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    static boolean isFrameFile(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /** Every frame of an animated GIF, composed onto the logical screen, as PNGs. */
    static List<byte[]> gifFrames(Path gif) throws IOException, UsageException {
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("gif");
            if (in == null || !readers.hasNext()) {
                throw new UsageException("--video " + gif + ": this Java has no GIF reader");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, false);
                int n = reader.getNumImages(true);
                if (n < 1) {
                    throw new UsageException("--video " + gif + ": the GIF holds no frames");
                }
                BufferedImage first = reader.read(0);
                int width = first.getWidth();
                int height = first.getHeight();
                List<BufferedImage> frames = new ArrayList<>();
                List<int[]> offsets = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    BufferedImage f = i == 0 ? first : reader.read(i);
                    int[] at = offset(reader.getImageMetadata(i));
                    width = Math.max(width, at[0] + f.getWidth());
                    height = Math.max(height, at[1] + f.getHeight());
                    frames.add(f);
                    offsets.add(at);
                }
                BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
                List<byte[]> out = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Graphics2D g = canvas.createGraphics();
                    g.drawImage(frames.get(i), offsets.get(i)[0], offsets.get(i)[1], null);
                    g.dispose();
                    BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                    Graphics2D g2 = rgb.createGraphics();
                    g2.drawImage(canvas, 0, 0, null);
                    g2.dispose();
                    out.add(Png.encode(rgb));
                }
                return out;
            } finally {
                reader.dispose();
            }
        } catch (javax.imageio.IIOException e) {
            throw new UsageException("--video " + gif + ": not a readable GIF (" + e.getMessage() + ")");
        }
    }

    private static int[] offset(IIOMetadata meta) {
        try {
            IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode d = (IIOMetadataNode) root.getElementsByTagName("ImageDescriptor").item(0);
            return new int[] {Integer.parseInt(d.getAttribute("imageLeftPosition")),
                    Integer.parseInt(d.getAttribute("imageTopPosition"))};
        } catch (RuntimeException e) {
            return new int[] {0, 0};
        }
    }
}
