/**
 * The {@code tessera} launcher: {@link io.tessera.deploy.Tessera} dispatches the subcommands, {@code up} brings the
 * local stack up (embedded Kafka, an embedded Flink cluster running the jobs, the gateway) and shuts it down in
 * reverse order, {@code topics} shows what is on Kafka, {@code policy publish} ({@link io.tessera.deploy.PolicyCommand})
 * rolls new weights out to the running generators through {@code tessera.policy}.
 *
 * <p>Everything started here listens on 127.0.0.1 and keeps its files under the data directory.
 */
package io.tessera.deploy;
