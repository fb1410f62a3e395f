/**
 * The status store and the dashboard's figures, as a Kafka Streams app over the request topics.
 *
 * <p>{@link io.tessera.ingest.status.StatusTopology} is a pure builder: prompts, tokens, generations, rewards,
 * control and dead letters into a persistent store of each request's
 * {@link io.tessera.ingest.status.GenerationStatus} (queued, generating frame k of n, done, cancelled, failed,
 * reward) and windowed stores behind {@link io.tessera.ingest.status.Figures} (tokens/s, time to first token
 * p50/p99, dead letters, active requests, mean reward per policy version).
 * {@link io.tessera.ingest.status.StatusService} runs it and answers through interactive queries; the gateway
 * serves {@code GET /v1/generations/{id}} from it.
 */
package io.tessera.ingest.status;
