package io.tessera.deploy;

import io.tessera.ingest.AccessConfig;
import io.tessera.ingest.Gateway;
import io.tessera.ingest.GatewayConfig;
import io.tessera.ingest.auth.ApiKeys;
import io.tessera.ingest.status.StatusConfig;
import io.tessera.ingest.status.StatusService;
import java.net.URI;
import java.nio.file.Path;

/**
 * The HTTP gateway of {@code tessera up}, started on 127.0.0.1 against the stack's Kafka, with the request status
 * store (Kafka Streams, state under {@code <data-dir>/streams}) behind {@code GET /v1/generations/{id}} and the
 * dashboard's figures, and API keys from {@code <data-dir>/api-keys}. A development key for tenant
 * {@value ApiKeys#DEV_TENANT} is created there once and kept in {@code <data-dir>/api-key}, where the CLI finds it.
 */
final class GatewayPart implements AutoCloseable {

  private final StatusService statuses;
  private final Gateway gateway;
  private final String developmentKey;

  private GatewayPart(StatusService statuses, Gateway gateway, String developmentKey) {
    this.statuses = statuses;
    this.gateway = gateway;
    this.developmentKey = developmentKey;
  }

  static GatewayPart start(String bootstrapServers, Path dataDir, int port) {
    String key = ApiKeys.developmentKey(dataDir);
    StatusService statuses;
    try {
      statuses = StatusService.start(StatusConfig.defaults(bootstrapServers, dataDir));
    } catch (RuntimeException e) {
      throw new StackException("The request status store (Kafka Streams) did not start: " + Failures.rootMessage(e),
          e);
    }
    try {
      GatewayConfig cfg = GatewayConfig.defaults(bootstrapServers).withPort(port)
          .withAccess(AccessConfig.defaults().withApiKeysFile(dataDir.resolve(ApiKeys.KEYS_FILE)));
      return new GatewayPart(statuses, Gateway.start(cfg, statuses), key);
    } catch (RuntimeException e) {
      statuses.close();
      throw new StackException("The gateway did not start on 127.0.0.1:" + port + ": " + Failures.rootMessage(e)
          + " (try --gateway-port 0 for a free port)", e);
    }
  }

  URI baseUri() {
    return gateway.baseUri();
  }

  /** The development API key (tenant {@value ApiKeys#DEV_TENANT}). */
  String developmentKey() {
    return developmentKey;
  }

  @Override
  public void close() throws Exception {
    try {
      gateway.close();
    } finally {
      statuses.close();
    }
  }
}
