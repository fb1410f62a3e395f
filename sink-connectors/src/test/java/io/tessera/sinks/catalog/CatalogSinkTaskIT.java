package io.tessera.sinks.catalog;

import static io.tessera.sinks.TestRecords.sinkRecord;
import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.records.DeadLetter;
import io.tessera.records.Reward;
import io.tessera.schemas.Topics;
import io.tessera.sinks.EmbeddedCatalogDatabase;
import io.tessera.sinks.TestRecords;
import io.tessera.sinks.TestSinkContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog task called directly against a real (embedded) PostgreSQL. */
class CatalogSinkTaskIT {

  @TempDir
  static Path dir;
  static EmbeddedCatalogDatabase db;

  CatalogSinkTask task;
  TestSinkContext context;

  @BeforeAll
  static void startDatabase() {
    db = EmbeddedCatalogDatabase.start(dir);
  }

  @AfterAll
  static void stopDatabase() {
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void startTask() throws SQLException {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl()); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS requests, generations, rewards, feedback");
    }
    context = new TestSinkContext();
    task = new CatalogSinkTask();
    task.initialize(context);
    task.start(Map.of(CatalogSinkConfig.CONNECTION_URL_CONFIG, db.jdbcUrl()));
  }

  @Test
  void writesEveryTableAndAnswersTheReadmeQuery() throws SQLException {
    task.put(batch("r1"));
    task.put(batch("r2"));

    assertThat(count("requests")).isEqualTo(2);
    assertThat(count("generations")).isEqualTo(4);
    assertThat(count("rewards")).isEqualTo(4);
    assertThat(count("feedback")).isEqualTo(4);
    assertThat(context.reported).isEmpty();
    assertThat(query("SELECT task || ' ' || prompt || ' ' || tenant || ' ' || top_k || ' ' || frames FROM requests"
        + " WHERE request_id = 'r1'")).containsExactly("TEXT_TO_VIDEO a red ball acme 40 3");
    assertThat(query("SELECT policy_version || ' ' || token_count || ' ' || array_to_string(tokens, ',') || ' '"
        + " || finish_reason FROM generations WHERE request_id = 'r1' AND sample_index = 1"))
        .containsExactly("5 3 101,200,300 LENGTH");
    assertThat(query("SELECT (components->>'motion') FROM rewards WHERE request_id = 'r2' AND sample_index = 1"))
        .containsExactly("0.75");
    assertThat(query("SELECT kind || ' ' || preferred_sample || '>' || rejected_sample FROM feedback"
        + " WHERE request_id = 'r1' AND kind = 'PREFERENCE'")).containsExactly("PREFERENCE 1>0");
    // The README's example query.
    assertThat(query(CatalogQueries.MEAN_REWARD_PER_POLICY_VERSION)).containsExactly("5 4 0.5");
    assertThat(query(CatalogQueries.SAMPLES_WITH_SCORES)).containsExactly(
        "r1 0 a red ball 5 LENGTH 0.25 0", "r1 1 a red ball 5 LENGTH 0.75 1",
        "r2 0 a red ball 5 LENGTH 0.25 0", "r2 1 a red ball 5 LENGTH 0.75 1");
  }

  @Test
  void redeliveredRecordsChangeNothing() throws SQLException {
    task.put(batch("r1"));
    List<String> before = dump();
    long xminBefore = Long.parseLong(query("SELECT sum(xmin::text::bigint) FROM generations").get(0));

    task.put(batch("r1"));
    task.put(batch("r1"));

    assertThat(dump()).isEqualTo(before);
    // Not even rewritten: the upsert skips rows whose values are unchanged, so their row versions stay.
    assertThat(Long.parseLong(query("SELECT sum(xmin::text::bigint) FROM generations").get(0)))
        .isEqualTo(xminBefore);
  }

  @Test
  void laterRecordOfTheSameKeyWinsEvenInOneBatch() throws SQLException {
    task.put(List.of(
        sinkRecord(Topics.REWARDS.name(), 1, TestRecords.reward("r1", 0, 5, 0.1), "r1"),
        sinkRecord(Topics.REWARDS.name(), 2, TestRecords.reward("r1", 0, 6, 0.9), "r1")));
    assertThat(query("SELECT policy_version || ' ' || total FROM rewards")).containsExactly("6 0.9");
  }

  @Test
  void badRecordsGoToTheDeadLetterQueueAndTheRestIsWritten() throws SQLException {
    List<SinkRecord> records = new ArrayList<>(batch("r1"));
    records.add(sinkRecord(Topics.REWARDS.name(), 90, "r9", TestRecords.utf8("not avro")));
    records.add(sinkRecord(Topics.REWARDS.name(), 91, TestRecords.request("r9", "wrong type"), "r9"));
    Reward nan = TestRecords.reward("r9", 0, 5, Double.NaN);
    records.add(sinkRecord(Topics.REWARDS.name(), 92, nan, "r9"));
    // Decodes fine but PostgreSQL refuses it: text may not hold NUL.
    records.add(sinkRecord(Topics.PROMPTS.name(), 93, TestRecords.request("r10", "nul \u0000 inside"), "r10"));
    records.add(sinkRecord("tessera.tokens", 94, "r11", TestRecords.utf8("x")));

    task.put(records);

    assertThat(count("requests")).isEqualTo(1);
    assertThat(count("generations")).isEqualTo(2);
    List<DeadLetter> dead = context.deadLetters();
    assertThat(dead).extracting(DeadLetter::getOffset).containsExactlyInAnyOrder(90L, 91L, 92L, 93L, 94L);
    assertThat(dead).allSatisfy(d -> assertThat(d.getStage()).isEqualTo(CatalogSinkTask.STAGE));
    assertThat(byOffset(dead, 90).getReason()).contains("not a record for table rewards", "NOT_SINGLE_OBJECT");
    assertThat(byOffset(dead, 91).getReason()).contains("WRONG_RECORD_TYPE");
    assertThat(byOffset(dead, 92).getReason()).contains("not a finite number");
    assertThat(byOffset(dead, 93).getReason()).contains("PostgreSQL refused the requests row");
    assertThat(byOffset(dead, 93).getRequestId()).isEqualTo("r10");
    assertThat(byOffset(dead, 94).getReason()).contains("has no catalog table");
    assertThat(byOffset(dead, 90).getValue().array()).isEqualTo(TestRecords.utf8("not avro"));
  }

  @Test
  void aDatabaseThatIsGoneIsRetriedNotFatal() {
    CatalogSinkTask offline = new CatalogSinkTask();
    TestSinkContext ctx = new TestSinkContext();
    offline.initialize(ctx);
    // Nothing listens on port 1: start() only logs, put() asks Connect to retry after the back-off.
    offline.start(Map.of(CatalogSinkConfig.CONNECTION_URL_CONFIG, "jdbc:postgresql://127.0.0.1:1/tessera",
        CatalogSinkConfig.RETRY_BACKOFF_CONFIG, "1234"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> offline.put(batch("r1")))
        .isInstanceOf(org.apache.kafka.connect.errors.RetriableException.class)
        .hasMessageContaining("127.0.0.1:1");
    assertThat(ctx.timeoutMs).isEqualTo(1234);
    assertThat(ctx.reported).isEmpty();
    offline.stop();
  }

  private static DeadLetter byOffset(List<DeadLetter> dead, long offset) {
    return dead.stream().filter(d -> d.getOffset() == offset).findFirst().orElseThrow();
  }

  /** One request with two samples, their scores and feedback; policy version 5, rewards 0.25 and 0.75. */
  static List<SinkRecord> batch(String id) {
    long o = Math.abs(id.hashCode()) * 100L;
    return List.of(
        sinkRecord(Topics.PROMPTS.name(), o, TestRecords.request(id, "a red ball"), id),
        sinkRecord(Topics.GENERATIONS.name(), o + 1, TestRecords.generation(id, 0, 5), id),
        sinkRecord(Topics.GENERATIONS.name(), o + 2, TestRecords.generation(id, 1, 5), id),
        sinkRecord(Topics.REWARDS.name(), o + 3, TestRecords.reward(id, 0, 5, 0.25), id),
        sinkRecord(Topics.REWARDS.name(), o + 4, TestRecords.reward(id, 1, 5, 0.75), id),
        sinkRecord(Topics.FEEDBACK.name(), o + 5, TestRecords.thumbsUp(id, 1, "ann"), id),
        sinkRecord(Topics.FEEDBACK.name(), o + 6, TestRecords.preference(id, 1, 0, "ann"), id));
  }

  private List<String> dump() throws SQLException {
    List<String> rows = new ArrayList<>();
    for (String t : List.of("requests", "generations", "rewards", "feedback")) {
      rows.addAll(query("SELECT t::text FROM " + t + " t ORDER BY 1"));
    }
    return rows;
  }

  private long count(String table) throws SQLException {
    return Long.parseLong(query("SELECT count(*) FROM " + table).get(0));
  }

  private static List<String> query(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl()); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          sb.append(i == 1 ? "" : " ").append(rs.getString(i));
        }
        out.add(sb.toString());
      }
    }
    return out;
  }
}
