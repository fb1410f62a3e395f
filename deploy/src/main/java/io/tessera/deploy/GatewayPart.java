package io.tessera.deploy;

import io.tessera.ingest.Gateway;
import io.tessera.ingest.GatewayConfig;
import java.net.URI;

/** The HTTP gateway of {@code tessera up}, started on 127.0.0.1 against the stack's Kafka. */
final class GatewayPart implements AutoCloseable {

  private final Gateway gateway;

  private GatewayPart(Gateway gateway) {
    this.gateway = gateway;
  }

  static GatewayPart start(String bootstrapServers, int port) {
    try {
      return new GatewayPart(Gateway.start(GatewayConfig.defaults(bootstrapServers).withPort(port)));
    } catch (RuntimeException e) {
      throw new StackException("The gateway did not start on 127.0.0.1:" + port + ": " + Failures.rootMessage(e)
          + " (try --gateway-port 0 for a free port)", e);
    }
  }

  URI baseUri() {
    return gateway.baseUri();
  }

  @Override
  public void close() throws Exception {
    gateway.close();
  }
}
