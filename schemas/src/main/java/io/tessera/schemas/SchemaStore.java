package io.tessera.schemas;

import io.tessera.records.Cancel;
import io.tessera.records.DeadLetter;
import io.tessera.records.Feedback;
import io.tessera.records.GenerationCompleted;
import io.tessera.records.GenerationRequest;
import io.tessera.records.MediaChunk;
import io.tessera.records.PolicyUpdate;
import io.tessera.records.Reward;
import io.tessera.records.SamplingParams;
import io.tessera.records.TokenChunk;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.AvroRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every writer schema this process knows, by its 64-bit CRC-64-AVRO fingerprint (the one in the single-object
 * header). It holds the current schema of every record, the historical versions shipped on the classpath under
 * {@value #HISTORY_ROOT}{@code <Name>/v<N>.avsc} (N dense from 1), and whatever a deployment registers later with
 * {@link #registerFrom(Path)} (e.g. schemas of a newer producer, so an old consumer can read its records).
 * Thread-safe.
 */
public final class SchemaStore implements org.apache.avro.message.SchemaStore {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaStore.class);

  /** Classpath folder of historical schema versions. */
  public static final String HISTORY_ROOT = "avro-history/io/tessera/records/";
  /** Largest version number probed on the classpath per record. */
  static final int MAX_HISTORY_VERSIONS = 1000;

  /** Current schemas of the top-level records (and the nested SamplingParams). */
  static final List<Schema> CURRENT = List.of(
      GenerationRequest.getClassSchema(), SamplingParams.getClassSchema(), MediaChunk.getClassSchema(),
      Cancel.getClassSchema(), TokenChunk.getClassSchema(), GenerationCompleted.getClassSchema(),
      Reward.getClassSchema(), Feedback.getClassSchema(), PolicyUpdate.getClassSchema(),
      DeadLetter.getClassSchema());

  private static volatile SchemaStore defaults;

  private final Map<Long, Schema> byFingerprint = new ConcurrentHashMap<>();

  /** An empty store. */
  public SchemaStore() {}

  /** The process-wide store: current schemas plus the classpath history. */
  public static SchemaStore defaults() {
    SchemaStore s = defaults;
    if (s == null) {
      synchronized (SchemaStore.class) {
        s = defaults;
        if (s == null) {
          s = withDefaults();
          defaults = s;
        }
      }
    }
    return s;
  }

  /**
   * A new, independent store holding what {@link #defaults()} starts with: the current schemas and the classpath
   * history. Registering into it does not affect the process-wide store.
   */
  public static SchemaStore withDefaults() {
    SchemaStore s = new SchemaStore();
    CURRENT.forEach(s::register);
    s.registerHistory(SchemaStore.class.getClassLoader());
    return s;
  }

  /** The single-object fingerprint of a schema (CRC-64-AVRO of its parsing canonical form). */
  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  /** Adds a schema; returns its fingerprint. Registering the same schema twice is harmless. */
  public long register(Schema schema) {
    long fp = fingerprint(schema);
    byFingerprint.putIfAbsent(fp, schema);
    return fp;
  }

  /** The schema with this fingerprint, or null (the contract of Avro's {@code SchemaStore}). */
  @Override
  public Schema findByFingerprint(long fingerprint) {
    return byFingerprint.get(fingerprint);
  }

  /** Every known schema. */
  public Collection<Schema> schemas() {
    return List.copyOf(byFingerprint.values());
  }

  /** Every known schema of the record with this full name, in no particular order. */
  public List<Schema> versionsOf(String fullName) {
    return byFingerprint.values().stream().filter(s -> s.getFullName().equals(fullName)).toList();
  }

  /**
   * Parses every {@code *.avsc} file under {@code dir} (recursively) and registers it.
   *
   * @return how many schemas were new to this store
   * @throws IllegalArgumentException naming the file when one does not parse
   */
  public int registerFrom(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("not a directory of .avsc files: " + dir);
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.getFileName().toString().endsWith(".avsc")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    int added = 0;
    for (Path f : files) {
      String json;
      try {
        json = Files.readString(f);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f, e);
      }
      added += registerNew(parse(json, f.toString()));
    }
    LOG.info("Registered {} new schema(s) from {} ({} files)", added, dir, files.size());
    return added;
  }

  private int registerNew(Schema schema) {
    return byFingerprint.putIfAbsent(fingerprint(schema), schema) == null ? 1 : 0;
  }

  /**
   * Loads {@value #HISTORY_ROOT}{@code <Name>/v1.avsc, v2.avsc, ...} for every current record, every copy of each on
   * the classpath (several jars, or a test classpath beside the main one, may ship the same path).
   */
  void registerHistory(ClassLoader loader) {
    for (Schema current : CURRENT) {
      for (int v = 1; v <= MAX_HISTORY_VERSIONS; v++) {
        String res = HISTORY_ROOT + current.getName() + "/v" + v + ".avsc";
        List<URL> urls;
        try {
          urls = java.util.Collections.list(loader.getResources(res));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list schema resource " + res, e);
        }
        if (urls.isEmpty()) {
          break;
        }
        for (URL url : urls) {
          try (InputStream in = url.openStream()) {
            registerNew(parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), res));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema resource " + url, e);
          }
        }
      }
    }
  }

  /**
   * Parses one schema file. A historical file may define its own (older) named types inline; when it instead refers
   * to a shared type by name (an enum of Enums.avsc, say), the current definition of that type is supplied.
   */
  static Schema parse(String json, String origin) {
    try {
      return new Schema.Parser().parse(json);
    } catch (AvroRuntimeException first) {
      try {
        return new Schema.Parser().addTypes(namedTypes()).parse(json);
      } catch (RuntimeException second) {
        second.addSuppressed(first);
        throw new IllegalArgumentException("invalid Avro schema in " + origin + ": " + second.getMessage(), second);
      }
    }
  }

  /** Named types (enums) shared between records, from the current generated schemas. */
  private static List<Schema> namedTypes() {
    List<Schema> out = new ArrayList<>();
    for (Schema s : List.of(io.tessera.records.Task.getClassSchema(), io.tessera.records.MediaKind.getClassSchema(),
        io.tessera.records.FinishReason.getClassSchema(), io.tessera.records.FeedbackKind.getClassSchema())) {
      out.add(s);
    }
    return out;
  }
}
