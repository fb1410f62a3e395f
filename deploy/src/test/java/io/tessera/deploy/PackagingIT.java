package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.tessera.schemas.Topic;
import io.tessera.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What target/tessera.jar (built by the shade plugin in {@code package}) must contain to run on its own. */
class PackagingIT {

  private static final Path JAR = Path.of("target", "tessera.jar");
  private static JarFile jar;

  @BeforeAll
  static void open() throws IOException {
    assumeThat(Boolean.getBoolean("tessera.skipFatJar")).as("fat jar skipped with -Dtessera.skipFatJar").isFalse();
    assertThat(JAR).as("the fat jar from 'mvn package'").isRegularFile();
    jar = new JarFile(JAR.toFile());
  }

  @Test
  void runsTessera() throws IOException {
    assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(Tessera.class.getName());
    assertThat(jar.getEntry("io/tessera/deploy/Tessera.class")).isNotNull();
    assertThat(text("logback.xml")).as("our logging config, not a library's").contains("TESSERA_LOG_LEVEL");
  }

  @Test
  void holdsEveryModuleAndTheAvroSchemas() {
    for (String cls : List.of("io/tessera/embedded/EmbeddedKafka.class", "io/tessera/jobs/GenerationJob.class",
        "io/tessera/jobs/DecodeJob.class", "io/tessera/ingest/Gateway.class", "io/tessera/generator/Generator.class")) {
      assertThat(jar.getEntry(cls)).as(cls).isNotNull();
    }
    for (Topic<?> t : Topics.ALL) {
      String avsc = "avro/io/tessera/records/" + t.valueType().getSimpleName() + ".avsc";
      assertThat(jar.getEntry(avsc)).as(avsc).isNotNull();
    }
  }

  @Test
  void mergesTheServiceFiles() throws IOException {
    assertThat(text("META-INF/services/org.apache.flink.core.execution.PipelineExecutorFactory"))
        .contains("org.apache.flink.client.deployment.executors.LocalExecutorFactory",
            "org.apache.flink.client.deployment.executors.RemoteExecutorFactory");
    assertThat(text("META-INF/services/org.apache.kafka.common.config.provider.ConfigProvider"))
        .contains("org.apache.kafka.common.config.provider.FileConfigProvider");
    assertThat(text("META-INF/services/ai.djl.engine.EngineProvider"))
        .contains("ai.djl.pytorch.engine.PtEngineProvider");
  }

  @Test
  void keepsDjlsNativeLibrariesAndDropsSignatures() {
    assertThat(jar.getEntry("native/lib/pytorch.properties")).isNotNull();
    assertThat(jar.getEntry("pytorch/cpu/linux-x86_64/libtorch_cpu.so")).isNotNull()
        .satisfies(e -> assertThat(e.getSize()).isGreaterThan(100L << 20));
    assertThat(jar.stream().map(e -> e.getName())
        .filter(n -> n.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"))).isEmpty();
  }

  @Test
  void startsWithJavaDashJar() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-jar", JAR.toString(), "help").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("up", "topics", "prompt");
  }

  private static String text(String entry) throws IOException {
    assertThat(jar.getEntry(entry)).as(entry).isNotNull();
    try (var in = jar.getInputStream(jar.getEntry(entry))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
