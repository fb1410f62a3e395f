package io.tessera.generator.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the model runs: the first GPU if DJL's PyTorch engine sees one, else the CPU. Logs once which.
 * {@code -Dtessera.device=cpu} forces the CPU.
 */
public final class ComputeDevice {
    private static final Logger LOG = LoggerFactory.getLogger(ComputeDevice.class);
    public static final String ENGINE = "PyTorch";
    private static volatile Device chosen;

    private ComputeDevice() {}

    public static Device get() {
        Device d = chosen;
        if (d == null) {
            synchronized (ComputeDevice.class) {
                d = chosen;
                if (d == null) {
                    d = choose();
                    chosen = d;
                }
            }
        }
        return d;
    }

    private static Device choose() {
        Engine engine = Engine.getEngine(ENGINE);
        boolean forceCpu = "cpu".equalsIgnoreCase(System.getProperty("tessera.device", ""));
        int gpus = engine.getGpuCount();
        if (gpus > 0 && !forceCpu) {
            LOG.info("Transformer runs on GPU ({}; {} visible) with DJL {} {}", Device.gpu(), gpus, ENGINE,
                    engine.getVersion());
            return Device.gpu();
        }
        LOG.info("Transformer runs on CPU ({} intra-op threads of {} cores) with DJL {} {}{}",
                ai.djl.pytorch.jni.JniUtils.getNumThreads(), Runtime.getRuntime().availableProcessors(), ENGINE,
                engine.getVersion(), forceCpu ? " (forced by -Dtessera.device=cpu)" : "");
        return Device.cpu();
    }
}
