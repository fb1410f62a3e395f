/**
 * API keys and tenants for the gateway: {@link io.tessera.ingest.auth.ApiKeys} maps a presented key to its tenant
 * (keys are kept only as SHA-256 hashes and never logged), creates the local development key that {@code
 * bin/tessera up} prints, and finds the key a local client should send.
 */
package io.tessera.ingest.auth;
