package io.tessera.sinks.catalog;

import io.tessera.sinks.SinkConnectorsVersion;
import io.tessera.sinks.common.DeadLetterReporter;
import io.tessera.sinks.common.RecordValues;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps each record to a catalog {@link Row} and upserts all of one {@code put()} in one transaction. Records that do
 * not decode, fail validation or that PostgreSQL refuses go to the dead-letter queue with the reason; when the
 * database cannot be reached the batch is handed back to Connect to redeliver after a back-off, and the task keeps
 * running.
 */
public final class CatalogSinkTask extends SinkTask {

  /** {@link io.tessera.records.DeadLetter#getStage()} of this task's dead letters. */
  public static final String STAGE = "sink-connectors/catalog-sink";
  private static final Logger LOG = LoggerFactory.getLogger(CatalogSinkTask.class);

  private CatalogSinkConfig config;
  private Map<String, CatalogTable> tables;
  private CatalogStore store;
  private DeadLetterReporter deadLetters;
  private long rows;

  @Override
  public String version() {
    return SinkConnectorsVersion.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    config = new CatalogSinkConfig(props);
    tables = config.tables();
    store = new CatalogStore(config.url(), config.user(), config.password(), config.createTables());
    deadLetters = new DeadLetterReporter(STAGE, context);
    try {
      store.connection();
      LOG.info("Catalog sink connected to {}", redacted(config.url()));
    } catch (SQLException e) {
      // Not fatal: put() reconnects, and Connect redelivers until the database is back.
      LOG.warn("Catalog sink cannot reach {} yet: {}", redacted(config.url()), e.getMessage());
    }
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    List<Row> batch = new ArrayList<>(records.size());
    for (SinkRecord record : records) {
      CatalogTable table = tables.get(record.topic());
      if (table == null) {
        deadLetters.report(record, "topic " + record.topic() + " has no catalog table (tables are fed by "
            + tables.keySet() + ")", null, null);
        continue;
      }
      try {
        batch.add(Rows.of(table, RecordValues.bytes(record), record));
      } catch (Rows.BadRecord e) {
        deadLetters.report(record, e.getMessage(), e.getCause(), e.requestId());
      } catch (IllegalArgumentException e) {
        deadLetters.report(record, e.getMessage(), e, null);
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      for (CatalogStore.Rejected r : store.upsert(batch)) {
        deadLetters.report(r.row().source(), r.reason(), r.error(), r.row().requestId());
      }
      rows += batch.size();
    } catch (SQLException e) {
      store.reset();
      context.timeout(config.retryBackoffMs());
      throw new RetriableException("catalog database " + redacted(config.url()) + " failed (SQLState "
          + e.getSQLState() + "): " + e.getMessage(), e);
    }
  }

  /** The URL without its query string, which may hold a password. */
  static String redacted(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q) + "?...";
  }

  @Override
  public void stop() {
    if (store != null) {
      store.close();
    }
    LOG.info("Catalog sink stopped after {} rows ({} dead letters)", rows,
        deadLetters == null ? 0 : deadLetters.reported());
  }
}
