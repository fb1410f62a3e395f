package io.tessera.sinks.catalog;

import io.tessera.schemas.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** The keys of {@link CatalogSinkConnector}, each declared once with its type, default, range and doc. */
public final class CatalogSinkConfig extends AbstractConfig {

  public static final String CONNECTION_URL_CONFIG = "connection.url";
  static final String CONNECTION_URL_DOC = "JDBC URL of the PostgreSQL database, jdbc:postgresql://host:port/db"
      + " (user and password may be given in the URL or in the keys below).";
  static final String JDBC_PREFIX = "jdbc:postgresql:";

  public static final String CONNECTION_USER_CONFIG = "connection.user";
  static final String CONNECTION_USER_DOC = "Database user; empty to take it from the URL.";

  public static final String CONNECTION_PASSWORD_CONFIG = "connection.password";
  static final String CONNECTION_PASSWORD_DOC = "Database password; empty to take it from the URL or use none.";

  public static final String CREATE_TABLES_CONFIG = "catalog.create.tables";
  static final String CREATE_TABLES_DOC = "Create the tables requests, generations, rewards and feedback (and their"
      + " indexes) if they are missing, when the task first connects.";

  public static final String RETRY_BACKOFF_CONFIG = "catalog.retry.backoff.ms";
  static final String RETRY_BACKOFF_DOC = "Wait before Connect redelivers a batch after the database could not be"
      + " reached.";
  static final long RETRY_BACKOFF_DEFAULT = 2_000;

  public static final String REQUESTS_TOPIC_CONFIG = "catalog.requests.topic";
  public static final String GENERATIONS_TOPIC_CONFIG = "catalog.generations.topic";
  public static final String REWARDS_TOPIC_CONFIG = "catalog.rewards.topic";
  public static final String FEEDBACK_TOPIC_CONFIG = "catalog.feedback.topic";
  private static final String TOPIC_DOC = "Topic whose records become rows of the %s table; it must also be listed"
      + " in 'topics'.";

  /** The key set, for {@code Connector.config()} and validation. */
  public static final ConfigDef CONFIG_DEF = new ConfigDef()
      .define(CONNECTION_URL_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new JdbcUrl(), Importance.HIGH,
          CONNECTION_URL_DOC)
      .define(CONNECTION_USER_CONFIG, Type.STRING, "", Importance.HIGH, CONNECTION_USER_DOC)
      .define(CONNECTION_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.HIGH, CONNECTION_PASSWORD_DOC)
      .define(CREATE_TABLES_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, CREATE_TABLES_DOC)
      .define(RETRY_BACKOFF_CONFIG, Type.LONG, RETRY_BACKOFF_DEFAULT, ConfigDef.Range.between(0, 600_000),
          Importance.LOW, RETRY_BACKOFF_DOC)
      .define(REQUESTS_TOPIC_CONFIG, Type.STRING, Topics.PROMPTS.name(), new ConfigDef.NonEmptyString(),
          Importance.LOW, String.format(TOPIC_DOC, "requests"))
      .define(GENERATIONS_TOPIC_CONFIG, Type.STRING, Topics.GENERATIONS.name(), new ConfigDef.NonEmptyString(),
          Importance.LOW, String.format(TOPIC_DOC, "generations"))
      .define(REWARDS_TOPIC_CONFIG, Type.STRING, Topics.REWARDS.name(), new ConfigDef.NonEmptyString(),
          Importance.LOW, String.format(TOPIC_DOC, "rewards"))
      .define(FEEDBACK_TOPIC_CONFIG, Type.STRING, Topics.FEEDBACK.name(), new ConfigDef.NonEmptyString(),
          Importance.LOW, String.format(TOPIC_DOC, "feedback"));

  /** The topics a catalog connector reads by default, as the {@code topics} value. */
  public static final String DEFAULT_TOPICS = String.join(",", Topics.PROMPTS.name(), Topics.GENERATIONS.name(),
      Topics.REWARDS.name(), Topics.FEEDBACK.name());

  public CatalogSinkConfig(Map<String, String> props) {
    super(CONFIG_DEF, props);
    if (tables().size() != CatalogTable.values().length) {
      throw new ConfigException("the catalog.*.topic keys must name four different topics, got " + tables());
    }
  }

  /** Which table each topic goes to. */
  Map<String, CatalogTable> tables() {
    Map<String, CatalogTable> m = new LinkedHashMap<>();
    m.put(getString(REQUESTS_TOPIC_CONFIG), CatalogTable.REQUESTS);
    m.put(getString(GENERATIONS_TOPIC_CONFIG), CatalogTable.GENERATIONS);
    m.put(getString(REWARDS_TOPIC_CONFIG), CatalogTable.REWARDS);
    m.put(getString(FEEDBACK_TOPIC_CONFIG), CatalogTable.FEEDBACK);
    return m;
  }

  String url() {
    return getString(CONNECTION_URL_CONFIG);
  }

  String user() {
    return getString(CONNECTION_USER_CONFIG);
  }

  String password() {
    Password p = getPassword(CONNECTION_PASSWORD_CONFIG);
    return p == null ? "" : p.value();
  }

  boolean createTables() {
    return getBoolean(CREATE_TABLES_CONFIG);
  }

  long retryBackoffMs() {
    return getLong(RETRY_BACKOFF_CONFIG);
  }

  /** Accepts PostgreSQL JDBC URLs only: the DDL and upserts are PostgreSQL's. */
  static final class JdbcUrl implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (!(value instanceof String s) || !s.startsWith(JDBC_PREFIX)) {
        throw new ConfigException(name, value, "must start with " + JDBC_PREFIX);
      }
    }

    @Override
    public String toString() {
      return JDBC_PREFIX + "//host:port/database";
    }
  }
}
