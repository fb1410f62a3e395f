package io.tessera.embedded;

import java.nio.file.Path;
import java.util.Properties;

/**
 * The server properties of a single-node broker+controller: one voter, loopback listeners, and replication factor /
 * min ISR 1 for every internal topic so consumer groups and transactions (Flink's exactly-once sink) work with one
 * broker.
 *
 * @param logDir    where Kafka keeps its metadata and topic logs
 * @param port      the client (PLAINTEXT) port, already resolved (never 0)
 * @param controllerPort the KRaft controller port, already resolved (never 0)
 */
record BrokerSettings(Path logDir, int port, int controllerPort) {

  static final String HOST = "127.0.0.1";
  static final int NODE_ID = 1;
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final String CLIENT_LISTENER = "PLAINTEXT";
  /** Partitions of the internal offsets and transaction topics: Kafka's 50 slow the first start for no gain here. */
  static final int INTERNAL_TOPIC_PARTITIONS = 8;
  /** Flink's exactly-once sink may ask for transaction timeouts up to an hour; Kafka's default cap is 15 minutes. */
  static final long TRANSACTION_MAX_TIMEOUT_MS = 3_600_000L;

  BrokerSettings {
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535, got " + port);
    }
    if (controllerPort <= 0 || controllerPort > 65535 || controllerPort == port) {
      throw new IllegalArgumentException("controllerPort must be in 1..65535 and differ from port, got " + controllerPort);
    }
  }

  String bootstrapServers() {
    return HOST + ":" + port;
  }

  Properties toProperties() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    // A static quorum: the voter's address lives in the config, not in the log, so a restart may change ports.
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put("listeners", CLIENT_LISTENER + "://" + HOST + ":" + port + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + port);
    p.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", CLIENT_LISTENER);
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    p.put("metadata.log.dir", logDir.toAbsolutePath().toString());

    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", Integer.toString(INTERNAL_TOPIC_PARTITIONS));
    p.put("transaction.max.timeout.ms", Long.toString(TRANSACTION_MAX_TIMEOUT_MS));
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    // A lone consumer should not wait 3 s for company before it gets its partitions.
    p.put("group.initial.rebalance.delay.ms", "0");
    // Two small thread pools are plenty for one machine's worth of clients.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    return p;
  }
}
