package io.tessera.sinks.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog's JDBC side: one connection, the DDL of {@code catalog.sql} on first use, and {@link #upsert} of a
 * batch of rows in one transaction. A batch the database rejects for its data is retried row by row (each under a
 * savepoint) so only the offending rows are returned as rejects; a lost connection is a {@link SQLException} for the
 * caller to retry.
 */
final class CatalogStore implements AutoCloseable {

  /** The DDL resource, beside this class. */
  static final String DDL_RESOURCE = "catalog.sql";
  private static final Logger LOG = LoggerFactory.getLogger(CatalogStore.class);

  /** A row the database refused, and its message. */
  record Rejected(Row row, String reason, SQLException error) {}

  private final String url;
  private final Properties props;
  private final boolean createTables;
  private Connection connection;

  CatalogStore(String url, String user, String password, boolean createTables) {
    this.url = url;
    this.props = new Properties();
    if (user != null && !user.isEmpty()) {
      props.setProperty("user", user);
    }
    if (password != null && !password.isEmpty()) {
      props.setProperty("password", password);
    }
    props.setProperty("ApplicationName", "tessera-catalog-sink");
    this.createTables = createTables;
  }

  /** The open connection, (re)connecting and creating the tables if needed. */
  Connection connection() throws SQLException {
    if (connection != null && !connection.isClosed()) {
      return connection;
    }
    Connection c = DriverManager.getConnection(url, props);
    try {
      c.setAutoCommit(false);
      if (createTables) {
        try (Statement st = c.createStatement()) {
          for (String sql : ddl()) {
            st.execute(sql);
          }
        }
        c.commit();
      }
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
    connection = c;
    return c;
  }

  /** The statements of {@code catalog.sql}, comments dropped. */
  static List<String> ddl() {
    String text;
    try (InputStream in = CatalogStore.class.getResourceAsStream(DDL_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + DDL_RESOURCE + " is missing beside " + CatalogStore.class);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DDL_RESOURCE, e);
    }
    StringBuilder noComments = new StringBuilder();
    for (String line : text.split("\n")) {
      int dash = line.indexOf("--");
      noComments.append(dash >= 0 ? line.substring(0, dash) : line).append('\n');
    }
    List<String> statements = new ArrayList<>();
    for (String s : noComments.toString().split(";\\s*\n")) {
      if (!s.isBlank()) {
        statements.add(s.strip());
      }
    }
    return statements;
  }

  /**
   * Upserts the rows, later rows of the same key winning, in one transaction.
   *
   * @return the rows the database refused for their data (the rest are committed)
   * @throws SQLException when the database could not be reached or failed otherwise: nothing is committed
   */
  List<Rejected> upsert(List<Row> rows) throws SQLException {
    Map<CatalogTable, Map<List<Object>, Row>> byTable = new EnumMap<>(CatalogTable.class);
    for (Row r : rows) {
      // One statement cannot touch a row twice, so keep the last of each key (records are in offset order).
      byTable.computeIfAbsent(r.table(), t -> new LinkedHashMap<>()).remove(r.key());
      byTable.get(r.table()).put(r.key(), r);
    }
    Connection c = connection();
    try {
      for (Map.Entry<CatalogTable, Map<List<Object>, Row>> e : byTable.entrySet()) {
        try (PreparedStatement ps = c.prepareStatement(e.getKey().upsert())) {
          for (Row r : e.getValue().values()) {
            bind(c, ps, r);
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      c.commit();
      return List.of();
    } catch (SQLException e) {
      rollbackQuietly(c);
      if (!isDataError(e)) {
        throw e;
      }
      LOG.info("Catalog batch of {} rows refused ({}); retrying row by row", rows.size(), e.getSQLState());
      return rowByRow(c, byTable);
    }
  }

  private List<Rejected> rowByRow(Connection c, Map<CatalogTable, Map<List<Object>, Row>> byTable)
      throws SQLException {
    List<Rejected> rejected = new ArrayList<>();
    try {
      for (Map.Entry<CatalogTable, Map<List<Object>, Row>> e : byTable.entrySet()) {
        try (PreparedStatement ps = c.prepareStatement(e.getKey().upsert())) {
          for (Row r : e.getValue().values()) {
            Savepoint sp = c.setSavepoint();
            try {
              bind(c, ps, r);
              ps.executeUpdate();
              c.releaseSavepoint(sp);
            } catch (SQLException rowError) {
              if (!isDataError(rowError)) {
                throw rowError;
              }
              c.rollback(sp);
              rejected.add(new Rejected(r, "PostgreSQL refused the " + r.table().tableName() + " row: "
                  + firstLine(rowError.getMessage()) + " (SQLState " + rowError.getSQLState() + ")", rowError));
            }
          }
        }
      }
      c.commit();
      return rejected;
    } catch (SQLException e) {
      rollbackQuietly(c);
      throw e;
    }
  }

  private static void bind(Connection c, PreparedStatement ps, Row r) throws SQLException {
    List<CatalogTable.Column> cols = r.table().columns();
    for (int i = 0; i < cols.size(); i++) {
      Object v = r.values()[i];
      int at = i + 1;
      if (v == null) {
        ps.setNull(at, cols.get(i).jdbcType());
      } else if (v instanceof Integer[] ints) {
        ps.setArray(at, c.createArrayOf("integer", ints));
      } else if (v instanceof Row.Json json) {
        ps.setString(at, json.text());
      } else if (v instanceof OffsetDateTime t) {
        ps.setObject(at, t);
      } else {
        ps.setObject(at, v);
      }
    }
  }

  /**
   * Whether the database refused the data itself (SQLState class 22 data exception, 23 integrity constraint, 42804
   * datatype mismatch), as opposed to the connection or the server failing.
   */
  static boolean isDataError(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      String state = x.getSQLState();
      if (state != null && (state.startsWith("22") || state.startsWith("23") || state.equals("42804"))) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is gone; the next call reconnects
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // nothing to do
    }
  }

  /** Drops the connection (after a failure); the next call reconnects. */
  void reset() {
    if (connection != null) {
      closeQuietly(connection);
      connection = null;
    }
  }

  @Override
  public void close() {
    reset();
  }
}
