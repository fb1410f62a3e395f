package io.tessera.sinks.media;

import io.tessera.media.MediaFormatException;
import io.tessera.media.Png;
import io.tessera.media.Wav;
import io.tessera.records.MediaChunk;
import io.tessera.records.MediaKind;
import io.tessera.schemas.RecordCodec;
import io.tessera.schemas.RecordDecodingException;
import io.tessera.sinks.SinkConnectorsVersion;
import io.tessera.sinks.common.DeadLetterReporter;
import io.tessera.sinks.common.RecordValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each record of {@code tessera.media.out} as a {@link MediaChunk} and writes it into its
 * {@link SampleFolder}. A record that does not decode or whose media is broken goes to the dead-letter queue with
 * the reason; a file system failure is retried by Connect (the batch is redelivered), so nothing is lost and the task
 * never stops for either.
 */
public final class MediaFileSinkTask extends SinkTask {

  /** {@link io.tessera.records.DeadLetter#getStage()} of this task's dead letters. */
  public static final String STAGE = "sink-connectors/media-file-sink";
  private static final Logger LOG = LoggerFactory.getLogger(MediaFileSinkTask.class);
  /** Back-off before Connect redelivers a batch whose files could not be written. */
  static final long RETRY_BACKOFF_MS = 2_000;

  private final RecordCodec<MediaChunk> codec = RecordCodec.of(MediaChunk.class);
  private MediaSinkConfig config;
  private DeadLetterReporter deadLetters;
  private long written;

  @Override
  public String version() {
    return SinkConnectorsVersion.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    config = new MediaSinkConfig(props);
    deadLetters = new DeadLetterReporter(STAGE, context);
    try {
      Files.createDirectories(config.rootDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + MediaSinkConfig.ROOT_DIR_CONFIG + " " + config.rootDir(), e);
    }
    LOG.info("Media file sink writing to {}", config.rootDir().toAbsolutePath());
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    for (SinkRecord record : records) {
      MediaChunk chunk;
      try {
        chunk = codec.decode(RecordValues.bytes(record));
      } catch (RecordDecodingException | IllegalArgumentException e) {
        deadLetters.report(record, "not a MediaChunk: " + e.getMessage(), e, null);
        continue;
      }
      String problem = validate(chunk);
      if (problem != null) {
        deadLetters.report(record, problem, null, chunk.getRequestId());
        continue;
      }
      try {
        write(chunk);
        written++;
      } catch (MediaFormatException e) {
        deadLetters.report(record, "broken " + chunk.getKind() + " " + chunk.getIndex() + " of request "
            + chunk.getRequestId() + " sample " + chunk.getSampleIndex() + ": " + e.getMessage(), e,
            chunk.getRequestId());
      } catch (IOException | UncheckedIOException e) {
        // Not the record's fault: let Connect redeliver the batch; what was written already is skipped then.
        context.timeout(RETRY_BACKOFF_MS);
        throw new RetriableException("cannot write media of request " + chunk.getRequestId() + " under "
            + config.rootDir() + ": " + e.getMessage(), e);
      }
    }
  }

  /** The reason a decoded chunk cannot be written, or null. */
  String validate(MediaChunk c) {
    if (c.getSampleIndex() < 0 || c.getSampleIndex() >= config.maxSamples()) {
      return "sampleIndex " + c.getSampleIndex() + " is outside [0, " + config.maxSamples() + ") ("
          + MediaSinkConfig.MAX_SAMPLES_CONFIG + ")";
    }
    if (c.getIndex() < 0 || c.getIndex() > config.maxChunkIndex()) {
      return "index " + c.getIndex() + " is outside [0, " + config.maxChunkIndex() + "] ("
          + MediaSinkConfig.MAX_INDEX_CONFIG + ")";
    }
    if (c.getTotal() >= 0 && c.getIndex() >= c.getTotal()) {
      return "index " + c.getIndex() + " is not below total " + c.getTotal();
    }
    ByteBuffer data = c.getData();
    if (data == null || !data.hasRemaining()) {
      return "data is empty";
    }
    try {
      FolderNames.of(c.getRequestId());
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    return null;
  }

  private void write(MediaChunk c) throws IOException {
    SampleFolder folder = new SampleFolder(config.rootDir(), c.getRequestId(), c.getSampleIndex(),
        config.gifFrameDelayMs(), config.fsync());
    byte[] data = bytes(c.getData());
    boolean lastFrame = c.getTotal() > 0 && c.getIndex() == c.getTotal() - 1;
    if (c.getKind() == MediaKind.VIDEO_FRAME) {
      Png.decode(data); // a frame that does not decode is the record's fault, found before it reaches the GIF
      folder.frame(c.getIndex(), data, lastFrame || c.getFinal$());
    } else {
      Wav.decode(data);
      folder.audio(c.getIndex(), data);
    }
    if (c.getFinal$()) {
      folder.finish();
    }
  }

  private static byte[] bytes(ByteBuffer buf) {
    ByteBuffer d = buf.duplicate();
    byte[] b = new byte[d.remaining()];
    d.get(b);
    return b;
  }

  /** Chunks written since start (redelivered ones included). */
  long written() {
    return written;
  }

  @Override
  public void stop() {
    LOG.info("Media file sink stopped after {} chunks ({} dead letters)", written,
        deadLetters == null ? 0 : deadLetters.reported());
  }
}
