package io.tessera.jobs;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/**
 * Settings for an in-process Flink cluster (tests, {@code tessera up}): every address on loopback, bounded
 * restarts, temp files under a work directory.
 */
public final class LocalCluster {

    public static final String LOOPBACK = "127.0.0.1";

    /**
     * The six address settings that keep a local cluster on loopback; with fewer, a wildcard port stays open.
     */
    static final String[] ADDRESS_KEYS = {
        "rest.bind-address", "rest.address", "jobmanager.bind-host", "jobmanager.rpc.address",
        "taskmanager.bind-host", "taskmanager.host"
    };

    private LocalCluster() {}

    /**
     * A configuration for a local cluster: loopback only, REST on a free port, at most {@code restarts}
     * restarts 200 ms apart (with checkpointing on, Flink's default restarts forever, so a broken job would
     * hang instead of failing), and I/O temp files under {@code workDir}.
     */
    public static Configuration configuration(Path workDir, int restarts) {
        Configuration conf = new Configuration();
        for (String key : ADDRESS_KEYS) {
            conf.setString(key, LOOPBACK);
        }
        conf.setString("rest.bind-port", "0");
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", Integer.toString(restarts));
        conf.setString("restart-strategy.fixed-delay.delay", Duration.ofMillis(200).toMillis() + " ms");
        conf.setString("io.tmp.dirs", workDir.resolve("flink-io").toAbsolutePath().toString());
        return conf;
    }
}
