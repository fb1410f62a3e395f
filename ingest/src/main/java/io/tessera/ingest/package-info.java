/**
 * The Tessera HTTP gateway: publishes generation requests (JSON or multipart, validated field by field) to
 * {@code tessera.prompts} and {@code tessera.media.in}, and streams each request's token chunks, decoded frames,
 * audio and completions back as Server-Sent Events from one gateway-wide reader of the result topics.
 * Entry points: {@link io.tessera.ingest.Gateway} and {@link io.tessera.ingest.GatewayConfig}.
 */
package io.tessera.ingest;
