package io.tessera.sinks.media;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** The keys of {@link MediaFileSinkConnector}, each declared once with its type, default, range and doc. */
public final class MediaSinkConfig extends AbstractConfig {

  public static final String ROOT_DIR_CONFIG = "media.root.dir";
  static final String ROOT_DIR_DOC = "Folder the media goes to: <root>/<requestId>/sample-<i>/ holds frame-0001.png"
      + " (frame index + 1, four digits), clip.gif and audio.wav. Created if missing; must be writable by the"
      + " worker.";

  public static final String GIF_FRAME_DELAY_CONFIG = "media.gif.frame.delay.ms";
  static final String GIF_FRAME_DELAY_DOC = "Display time of each frame of clip.gif in milliseconds (GIF stores"
      + " hundredths of a second). The default plays the model's 8 frames per second.";
  public static final int GIF_FRAME_DELAY_DEFAULT = 125;
  static final int GIF_FRAME_DELAY_MIN = 10;
  static final int GIF_FRAME_DELAY_MAX = 10_000;

  public static final String FSYNC_CONFIG = "media.fsync";
  static final String FSYNC_DOC = "Force each file's bytes to disk before it is renamed into place. Without it a"
      + " file is still never seen half written, but a power cut may lose the newest ones.";
  static final boolean FSYNC_DEFAULT = true;

  public static final String MAX_SAMPLES_CONFIG = "media.max.samples";
  static final String MAX_SAMPLES_DOC = "Largest sampleIndex + 1 accepted; chunks beyond it go to the dead-letter"
      + " queue instead of creating folders without bound.";
  static final int MAX_SAMPLES_DEFAULT = 64;

  public static final String MAX_INDEX_CONFIG = "media.max.chunk.index";
  static final String MAX_INDEX_DOC = "Largest frame or audio chunk index accepted; larger ones go to the"
      + " dead-letter queue.";
  static final int MAX_INDEX_DEFAULT = 9_999;

  /** The key set, for {@code Connector.config()} and validation. */
  public static final ConfigDef CONFIG_DEF = new ConfigDef()
      .define(ROOT_DIR_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
          Importance.HIGH, ROOT_DIR_DOC)
      .define(GIF_FRAME_DELAY_CONFIG, Type.INT, GIF_FRAME_DELAY_DEFAULT,
          ConfigDef.Range.between(GIF_FRAME_DELAY_MIN, GIF_FRAME_DELAY_MAX), Importance.LOW, GIF_FRAME_DELAY_DOC)
      .define(FSYNC_CONFIG, Type.BOOLEAN, FSYNC_DEFAULT, Importance.LOW, FSYNC_DOC)
      .define(MAX_SAMPLES_CONFIG, Type.INT, MAX_SAMPLES_DEFAULT, ConfigDef.Range.between(1, 4096), Importance.LOW,
          MAX_SAMPLES_DOC)
      .define(MAX_INDEX_CONFIG, Type.INT, MAX_INDEX_DEFAULT, ConfigDef.Range.between(1, 1_000_000),
          Importance.LOW, MAX_INDEX_DOC);

  public MediaSinkConfig(Map<String, String> props) {
    super(CONFIG_DEF, props);
    try {
      Path.of(getString(ROOT_DIR_CONFIG));
    } catch (RuntimeException e) {
      throw new ConfigException(ROOT_DIR_CONFIG, getString(ROOT_DIR_CONFIG), "not a valid path: " + e.getMessage());
    }
  }

  public Path rootDir() {
    return Path.of(getString(ROOT_DIR_CONFIG));
  }

  public int gifFrameDelayMs() {
    return getInt(GIF_FRAME_DELAY_CONFIG);
  }

  public boolean fsync() {
    return getBoolean(FSYNC_CONFIG);
  }

  public int maxSamples() {
    return getInt(MAX_SAMPLES_CONFIG);
  }

  public int maxChunkIndex() {
    return getInt(MAX_INDEX_CONFIG);
  }
}
