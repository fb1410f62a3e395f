package io.tessera.jobs;

import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Environment settings the jobs share. */
final class Jobs {

    private Jobs() {}

    /**
     * Checkpointing on at the configured interval (sources' offsets and in-flight samples together), and the
     * network buffer timeout that bounds how long a record waits between operators.
     */
    static void configureCheckpointing(StreamExecutionEnvironment env, JobConfig cfg) {
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            env.enableCheckpointing(cfg.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        }
        env.setBufferTimeout(cfg.bufferTimeout().toMillis());
    }
}
