package io.tessera.jobs;

import io.tessera.generator.Generator;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * How an operator gets its {@link Generator} when it opens on a task manager: shipped with the job graph,
 * so it must be serializable (a method reference or a lambda capturing only serializable values).
 */
@FunctionalInterface
public interface GeneratorLoader extends Serializable {

    Generator load();

    /** The configured model: {@link Generator#load(Path)} of {@code model-dir}, else the default model. */
    static GeneratorLoader of(JobConfig cfg) {
        String dir = cfg.modelDir();
        if (dir.isEmpty()) {
            return Generator::loadDefault;
        }
        return () -> Generator.load(Path.of(dir));
    }
}
