package io.tessera.sinks.catalog;

/** Queries a team runs on the catalog; the README shows them and the tests run them. */
public final class CatalogQueries {

  /** Per policy version: how many samples were generated and their mean reward (unscored samples left out). */
  public static final String MEAN_REWARD_PER_POLICY_VERSION = """
      SELECT g.policy_version, count(*) AS samples, avg(w.total) AS mean_reward
      FROM generations g JOIN rewards w USING (request_id, sample_index)
      GROUP BY g.policy_version
      ORDER BY g.policy_version""";

  /** Per sample: the prompt, the policy version that sampled it, why it stopped, its reward and thumbs up. */
  public static final String SAMPLES_WITH_SCORES = """
      SELECT g.request_id, g.sample_index, r.prompt, g.policy_version, g.finish_reason, w.total AS reward,
             count(f.*) FILTER (WHERE f.kind = 'THUMBS_UP') AS thumbs_up
      FROM generations g JOIN requests r USING (request_id)
      LEFT JOIN rewards w USING (request_id, sample_index)
      LEFT JOIN feedback f ON f.request_id = g.request_id AND f.sample_index = g.sample_index
      GROUP BY 1, 2, 3, 4, 5, 6
      ORDER BY 1, 2""";

  private CatalogQueries() {}
}
