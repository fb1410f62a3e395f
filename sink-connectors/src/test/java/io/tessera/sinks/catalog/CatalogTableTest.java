package io.tessera.sinks.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class CatalogTableTest {

  @Test
  void everyTableOfTheDdlHasTheColumnsAndKeyTheUpsertWrites() {
    String ddl = String.join(";\n", CatalogStore.ddl());
    for (CatalogTable t : CatalogTable.values()) {
      Matcher m = Pattern.compile("CREATE TABLE IF NOT EXISTS " + t.tableName() + " \\((.*?)\\n\\)", Pattern.DOTALL)
          .matcher(ddl + "\n");
      assertThat(m.find()).as(t.tableName() + " in catalog.sql").isTrue();
      List<String> columns = new ArrayList<>();
      String key = null;
      for (String line : m.group(1).split("\n")) {
        String s = line.strip();
        if (s.startsWith("PRIMARY KEY")) {
          key = s.substring(s.indexOf('(') + 1, s.indexOf(')'));
        } else if (!s.isEmpty()) {
          columns.add(s.split("\\s+")[0]);
          if (s.contains("PRIMARY KEY")) {
            key = s.split("\\s+")[0];
          }
        }
      }
      assertThat(columns).as(t.tableName()).containsExactlyElementsOf(
          t.columns().stream().map(CatalogTable.Column::name).toList());
      assertThat(key).as(t.tableName() + " key").isEqualTo(String.join(", ", t.key()));
    }
  }

  @Test
  void upsertOnlyWritesWhenAValueDiffers() {
    assertThat(CatalogTable.REWARDS.upsert()).isEqualTo("INSERT INTO rewards (request_id, sample_index,"
        + " policy_version, total, components, scorer_version, scored_at) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)"
        + " ON CONFLICT (request_id, sample_index) DO UPDATE SET policy_version = EXCLUDED.policy_version,"
        + " total = EXCLUDED.total, components = EXCLUDED.components, scorer_version = EXCLUDED.scorer_version,"
        + " scored_at = EXCLUDED.scored_at WHERE (rewards.policy_version, rewards.total, rewards.components,"
        + " rewards.scorer_version, rewards.scored_at) IS DISTINCT FROM (EXCLUDED.policy_version, EXCLUDED.total,"
        + " EXCLUDED.components, EXCLUDED.scorer_version, EXCLUDED.scored_at)");
  }

  @Test
  void configNamesTheKeyOfABadValue() {
    assertThatThrownBy(() -> new CatalogSinkConfig(Map.of(CatalogSinkConfig.CONNECTION_URL_CONFIG, "jdbc:mysql://x")))
        .isInstanceOf(ConfigException.class).hasMessageContaining(CatalogSinkConfig.CONNECTION_URL_CONFIG)
        .hasMessageContaining("jdbc:postgresql:");
    assertThatThrownBy(() -> new CatalogSinkConfig(Map.of(CatalogSinkConfig.CONNECTION_URL_CONFIG,
        "jdbc:postgresql://h/db", CatalogSinkConfig.REWARDS_TOPIC_CONFIG, "tessera.prompts")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("four different topics");
    assertThat(new CatalogSinkConfig(Map.of(CatalogSinkConfig.CONNECTION_URL_CONFIG, "jdbc:postgresql://h/db"))
        .tables()).containsEntry("tessera.generations", CatalogTable.GENERATIONS);
  }
}
