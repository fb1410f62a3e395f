/**
 * The Tessera HTTP gateway: publishes generation requests (JSON or multipart, validated field by field) to
 * {@code tessera.prompts} and {@code tessera.media.in}, streams each request's token chunks, decoded frames, audio
 * and completions back as Server-Sent Events from one gateway-wide reader of the result topics, serves each
 * request's status from the status store, and publishes cancels ({@code tessera.control}) and feedback
 * ({@code tessera.feedback}). Every {@code /v1} route needs an API key ({@link io.tessera.ingest.auth}); the key's
 * tenant owns what it posts and sees only its own requests; {@link io.tessera.ingest.Admission} bounds requests in
 * flight per tenant and overall (429). {@code /healthz}, {@code /readyz}, {@code /metrics} (Prometheus) and
 * {@code /openapi.json} are open.
 * Entry points: {@link io.tessera.ingest.Gateway}, {@link io.tessera.ingest.GatewayConfig} and
 * {@link io.tessera.ingest.AccessConfig}.
 */
package io.tessera.ingest;
