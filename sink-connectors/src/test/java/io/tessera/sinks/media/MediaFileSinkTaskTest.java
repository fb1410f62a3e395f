package io.tessera.sinks.media;

import static io.tessera.sinks.TestRecords.sinkRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.media.Wav;
import io.tessera.records.DeadLetter;
import io.tessera.records.MediaChunk;
import io.tessera.schemas.Topics;
import io.tessera.sinks.TestRecords;
import io.tessera.sinks.TestSinkContext;
import io.tessera.sinks.common.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The media task called directly with SinkRecords, as a worker would. */
class MediaFileSinkTaskTest {

  static final String TOPIC = Topics.MEDIA_OUT.name();

  @TempDir
  Path root;
  TestSinkContext context;
  MediaFileSinkTask task;

  @BeforeEach
  void start() {
    context = new TestSinkContext();
    task = newTask(context);
  }

  private MediaFileSinkTask newTask(TestSinkContext ctx) {
    MediaFileSinkTask t = new MediaFileSinkTask();
    t.initialize(ctx);
    t.start(Map.of(MediaSinkConfig.ROOT_DIR_CONFIG, root.toString()));
    return t;
  }

  static List<SinkRecord> records(List<MediaChunk> chunks, long firstOffset) {
    List<SinkRecord> out = new ArrayList<>();
    long o = firstOffset;
    for (MediaChunk c : chunks) {
      out.add(sinkRecord(TOPIC, o++, c, c.getRequestId()));
    }
    return out;
  }

  @Test
  void writesOneFolderPerRequestAndSampleWithFramesGifAndWav() throws IOException {
    List<MediaChunk> chunks = new ArrayList<>(TestRecords.sample("req-1", 0, 3, 2));
    chunks.addAll(TestRecords.sample("req-1", 1, 3, 2));
    task.put(records(chunks, 0));

    for (int sample = 0; sample < 2; sample++) {
      Path dir = root.resolve("req-1").resolve("sample-" + sample);
      assertThat(files(dir)).containsExactly("audio-chunks/0001.wav", "audio-chunks/0002.wav", "audio.wav",
          "clip.gif", "frame-0001.png", "frame-0002.png", "frame-0003.png");
      for (int i = 0; i < 3; i++) {
        assertThat(dir.resolve(SampleFolder.frameName(i))).hasBinaryContent(TestRecords.png("req-1", sample, i));
      }
      assertThat(gifFrames(dir.resolve("clip.gif"))).isEqualTo(3);
      Wav.Audio audio = Wav.decode(Files.readAllBytes(dir.resolve("audio.wav")));
      assertThat(audio.sampleRate()).isEqualTo(TestRecords.SAMPLE_RATE);
      assertThat(audio.samples()).hasSize(2 * TestRecords.CHUNK_SAMPLES);
      // Chunk 1's samples follow chunk 0's.
      float[] second = Wav.decode(TestRecords.wav(sample, 1)).samples();
      assertThat(audio.samples()[TestRecords.CHUNK_SAMPLES + 17]).isEqualTo(second[17]);
    }
    assertThat(context.reported).isEmpty();
    assertThat(task.written()).isEqualTo(10);
  }

  @Test
  void aRedeliveredRecordChangesNothingEvenInANewTask() throws IOException {
    List<SinkRecord> all = records(TestRecords.sample("req-2", 0, 4, 3), 0);
    task.put(all);
    Map<String, Snapshot> before = snapshot(root);
    task.stop();

    // A worker restart: a new task gets the whole partition again, in two batches.
    MediaFileSinkTask again = newTask(context);
    again.put(all.subList(0, 3));
    again.put(all.subList(3, all.size()));

    assertThat(snapshot(root)).isEqualTo(before);
    assertThat(context.reported).isEmpty();
  }

  @Test
  void gifWaitsForTheLastFrameAndIsRebuiltForALateOne() throws IOException {
    Path dir = root.resolve("req-3").resolve("sample-0");
    task.put(records(List.of(TestRecords.frame("req-3", 0, 0, 3, false)), 0));
    assertThat(dir.resolve("clip.gif")).doesNotExist();

    task.put(records(List.of(TestRecords.frame("req-3", 0, 2, 3, false)), 1));
    assertThat(gifFrames(dir.resolve("clip.gif"))).isEqualTo(2);

    task.put(records(List.of(TestRecords.frame("req-3", 0, 1, 3, false)), 2));
    assertThat(gifFrames(dir.resolve("clip.gif"))).isEqualTo(3);
  }

  @Test
  void writesLeaveNoTempFilesBehind() throws IOException {
    task.put(records(TestRecords.sample("req-4", 0, 3, 2), 0));
    task.put(records(TestRecords.sample("req-4", 0, 3, 2), 0));
    try (Stream<Path> all = Files.walk(root)) {
      assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(AtomicFiles.TEMP_PREFIX));
    }
  }

  @Test
  void requestIdsCannotLeaveTheRoot() throws IOException {
    task.put(records(List.of(TestRecords.frame("../../escape", 0, 0, 1, true)), 0));
    assertThat(root.resolve("%2E.%2F..%2Fescape/sample-0/frame-0001.png")).exists();
    try (Stream<Path> all = Files.walk(root.getParent(), 1)) {
      assertThat(all.map(p -> p.getFileName().toString())).doesNotContain("escape");
    }
  }

  @Test
  void badRecordsGoToTheDeadLetterQueueWithTheReasonAndTheTaskGoesOn() {
    MediaChunk notPng = TestRecords.frame("req-5", 0, 1, 3, false);
    notPng.setData(ByteBuffer.wrap(TestRecords.wav(0, 0)));
    MediaChunk beyondTotal = TestRecords.frame("req-5", 0, 3, 3, false);
    MediaChunk negativeSample = TestRecords.frame("req-5", -1, 0, 3, false);
    List<SinkRecord> records = new ArrayList<>();
    records.add(sinkRecord(TOPIC, 10, "req-5", TestRecords.utf8("garbage")));
    records.add(sinkRecord(TOPIC, 11, TestRecords.reward("req-5", 0, 1, 0.5), "req-5"));
    records.add(sinkRecord(TOPIC, 12, notPng, "req-5"));
    records.add(sinkRecord(TOPIC, 13, beyondTotal, "req-5"));
    records.add(sinkRecord(TOPIC, 14, negativeSample, "req-5"));
    records.add(sinkRecord(TOPIC, 15, TestRecords.frame("req-5", 0, 0, 3, false), "req-5"));

    task.put(records);

    List<DeadLetter> dead = context.deadLetters();
    assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(10L, 11L, 12L, 13L, 14L);
    assertThat(dead).allSatisfy(d -> {
      assertThat(d.getStage()).isEqualTo(MediaFileSinkTask.STAGE);
      assertThat(d.getSourceTopic()).isEqualTo(TOPIC);
      assertThat(d.getRequestId()).isEqualTo("req-5");
    });
    assertThat(dead.get(0).getReason()).contains("not a MediaChunk", "NOT_SINGLE_OBJECT");
    assertThat(dead.get(0).getValue().array()).isEqualTo(TestRecords.utf8("garbage"));
    assertThat(dead.get(1).getReason()).contains("WRONG_RECORD_TYPE");
    assertThat(dead.get(2).getReason()).contains("broken VIDEO_FRAME 1", "PNG");
    assertThat(dead.get(2).getErrorClass()).isEqualTo("io.tessera.media.MediaFormatException");
    assertThat(dead.get(3).getReason()).contains("index 3 is not below total 3");
    assertThat(dead.get(4).getReason()).contains("sampleIndex -1");
    // The good record after the bad ones was written.
    assertThat(root.resolve("req-5/sample-0/frame-0001.png")).exists();
    assertThat(root.resolve("req-5/sample-0/frame-0002.png")).doesNotExist();
  }

  @Test
  void aFileSystemFailureIsRetriedByConnectNotDeadLettered() throws IOException {
    Files.writeString(root.resolve("req-6"), "a file where the request folder should be");
    List<SinkRecord> records = records(List.of(TestRecords.frame("req-6", 0, 0, 1, true)), 0);
    assertThatThrownBy(() -> task.put(records)).isInstanceOf(RetriableException.class).hasMessageContaining("req-6");
    assertThat(context.timeoutMs).isEqualTo(MediaFileSinkTask.RETRY_BACKOFF_MS);
    assertThat(context.reported).isEmpty();

    Files.delete(root.resolve("req-6"));
    task.put(records); // the redelivery succeeds
    assertThat(root.resolve("req-6/sample-0/clip.gif")).exists();
  }

  /** Content and modification time of every file under a folder. */
  record Snapshot(String sha, FileTime modified) {}

  static Map<String, Snapshot> snapshot(Path root) throws IOException {
    Map<String, Snapshot> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), new Snapshot(sha(Files.readAllBytes(p)),
            Files.getLastModifiedTime(p)));
      }
    }
    return out;
  }

  static String sha(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  static int gifFrames(Path gif) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      try {
        return reader.getNumImages(true);
      } finally {
        reader.dispose();
      }
    }
  }
}
