/**
 * The catalog sink: prompts, generations, rewards and feedback into the PostgreSQL tables {@code requests},
 * {@code generations}, {@code rewards} and {@code feedback} (DDL in {@code catalog.sql} beside this package's
 * classes), upserted by request id and sample index in one transaction per {@code put()}.
 * {@link io.tessera.sinks.catalog.CatalogSinkConnector} and its task are what a Connect worker loads;
 * {@link io.tessera.sinks.catalog.CatalogSinkConfig} declares the keys; {@code CatalogTable} and {@code Rows} map
 * records to rows; {@code CatalogStore} does the JDBC.
 */
package io.tessera.sinks.catalog;
