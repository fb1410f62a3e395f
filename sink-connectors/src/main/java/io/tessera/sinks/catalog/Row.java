package io.tessera.sinks.catalog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One row for one {@link CatalogTable}, values in the table's column order, with the record it came from (for the
 * dead-letter queue if the database rejects it).
 *
 * @param values Strings, boxed numbers, {@code OffsetDateTime}s, {@code Integer[]} arrays or {@link Json}
 */
record Row(CatalogTable table, Object[] values, SinkRecord source, String requestId) {

  Row {
    if (values.length != table.columns().size()) {
      throw new IllegalArgumentException(table + " has " + table.columns().size() + " columns, got "
          + values.length + " values");
    }
  }

  /** The key values: rows with equal keys are the same row of the table. */
  List<Object> key() {
    List<Object> k = new ArrayList<>(table.key().size());
    for (int i = 0; i < values.length; i++) {
      if (table.key().contains(table.columns().get(i).name())) {
        k.add(values[i]);
      }
    }
    return k;
  }

  @Override
  public String toString() {
    return table.tableName() + Arrays.toString(values);
  }

  /** A JSON text bound to a {@code jsonb} column. */
  record Json(String text) {}
}
