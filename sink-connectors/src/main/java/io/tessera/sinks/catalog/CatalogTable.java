package io.tessera.sinks.catalog;

import java.sql.Types;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One catalog table: its columns in insert order, which of them form the key, and the upsert statement built from
 * them. The upsert only writes when some value differs ({@code IS DISTINCT FROM}), so a redelivered record touches
 * nothing. The columns must match {@code catalog.sql}.
 */
enum CatalogTable {
  REQUESTS("requests", List.of("request_id"),
      col("request_id", Types.VARCHAR), col("tenant", Types.VARCHAR), col("task", Types.VARCHAR),
      col("prompt", Types.VARCHAR), col("conditioning_frames", Types.INTEGER),
      col("conditioning_audio_chunks", Types.INTEGER), col("temperature", Types.REAL), col("top_k", Types.INTEGER),
      col("top_p", Types.REAL), col("guidance_scale", Types.REAL), col("seed", Types.BIGINT),
      col("frames", Types.INTEGER), col("samples", Types.INTEGER), col("deadline_at", Types.TIMESTAMP_WITH_TIMEZONE),
      col("created_at", Types.TIMESTAMP_WITH_TIMEZONE)),
  GENERATIONS("generations", List.of("request_id", "sample_index"),
      col("request_id", Types.VARCHAR), col("sample_index", Types.INTEGER), col("samples", Types.INTEGER),
      col("tenant", Types.VARCHAR), col("task", Types.VARCHAR), col("prompt", Types.VARCHAR),
      col("policy_version", Types.BIGINT), col("first_policy_version", Types.BIGINT),
      col("model_id", Types.VARCHAR), col("finish_reason", Types.VARCHAR), col("seed", Types.BIGINT),
      col("prefix_token_count", Types.INTEGER), col("token_count", Types.INTEGER),
      col("mean_logprob", Types.DOUBLE), col("tokens", Types.ARRAY), col("queued_ms", Types.BIGINT),
      col("time_to_first_token_ms", Types.BIGINT), col("total_ms", Types.BIGINT),
      col("completed_at", Types.TIMESTAMP_WITH_TIMEZONE)),
  REWARDS("rewards", List.of("request_id", "sample_index"),
      col("request_id", Types.VARCHAR), col("sample_index", Types.INTEGER), col("policy_version", Types.BIGINT),
      col("total", Types.DOUBLE), new Column("components", Types.OTHER, "::jsonb"),
      col("scorer_version", Types.VARCHAR), col("scored_at", Types.TIMESTAMP_WITH_TIMEZONE)),
  FEEDBACK("feedback",
      List.of("request_id", "user_name", "kind", "sample_index", "preferred_sample", "rejected_sample"),
      col("request_id", Types.VARCHAR), col("user_name", Types.VARCHAR), col("kind", Types.VARCHAR),
      col("sample_index", Types.INTEGER), col("preferred_sample", Types.INTEGER),
      col("rejected_sample", Types.INTEGER), col("tenant", Types.VARCHAR), col("rating", Types.INTEGER),
      col("created_at", Types.TIMESTAMP_WITH_TIMEZONE));

  /** A column: its name, its JDBC type (for NULLs) and a cast appended to its placeholder. */
  record Column(String name, int jdbcType, String cast) {}

  private final String table;
  private final List<String> key;
  private final List<Column> columns;
  private final String upsert;

  CatalogTable(String table, List<String> key, Column... columns) {
    this.table = table;
    this.key = key;
    this.columns = List.of(columns);
    this.upsert = buildUpsert();
  }

  private static Column col(String name, int jdbcType) {
    return new Column(name, jdbcType, "");
  }

  String tableName() {
    return table;
  }

  List<String> key() {
    return key;
  }

  List<Column> columns() {
    return columns;
  }

  /** {@code INSERT ... ON CONFLICT (key) DO UPDATE SET ... WHERE (old values) IS DISTINCT FROM (new values)}. */
  String upsert() {
    return upsert;
  }

  private String buildUpsert() {
    String names = columns.stream().map(Column::name).collect(Collectors.joining(", "));
    String params = columns.stream().map(c -> "?" + c.cast()).collect(Collectors.joining(", "));
    List<String> values = columns.stream().map(Column::name).filter(n -> !key.contains(n)).toList();
    String set = values.stream().map(n -> n + " = EXCLUDED." + n).collect(Collectors.joining(", "));
    String old = values.stream().map(n -> table + "." + n).collect(Collectors.joining(", "));
    String neu = values.stream().map(n -> "EXCLUDED." + n).collect(Collectors.joining(", "));
    return "INSERT INTO " + table + " (" + names + ") VALUES (" + params + ") ON CONFLICT (" + String.join(", ", key)
        + ") DO UPDATE SET " + set + " WHERE (" + old + ") IS DISTINCT FROM (" + neu + ")";
  }
}
