package io.tessera.sinks.catalog;

import io.tessera.sinks.common.SameConfigSinkConnector;

/**
 * Writes prompts, generations, rewards and feedback into the PostgreSQL catalog (see {@link CatalogSinkConfig} and
 * the module README): tables {@code requests}, {@code generations}, {@code rewards}, {@code feedback}, upserted by
 * request id and sample index, so a team can query what was generated, by which policy version and how it scored.
 */
public final class CatalogSinkConnector extends SameConfigSinkConnector {

  public CatalogSinkConnector() {
    super(CatalogSinkConfig::new, CatalogSinkTask.class, CatalogSinkConfig.CONFIG_DEF);
  }
}
