/**
 * Kafka Connect sinks of Tessera's outputs, and how to run them in process.
 * <ul>
 *   <li>{@link io.tessera.sinks.EmbeddedConnect}: a standalone Connect worker in this JVM (REST on 127.0.0.1) that
 *       loads the media file sink and, when a JDBC URL is given, the catalog sink.</li>
 *   <li>{@link io.tessera.sinks.EmbeddedCatalogDatabase}: a real PostgreSQL (binaries from Maven) whose data lives
 *       under a data directory, for the catalog when no database is configured.</li>
 *   <li>{@code media}, {@code catalog}: the two connectors; {@code common}: what they share.</li>
 * </ul>
 */
package io.tessera.sinks;
