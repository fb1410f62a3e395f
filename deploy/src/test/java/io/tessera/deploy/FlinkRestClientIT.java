package io.tessera.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/** Submits a jar to a real Flink REST API (the embedded cluster's, with flink-runtime-web) as {@code up --flink} does. */
class FlinkRestClientIT {

  @Test
  void uploadsAJarAndRunsItsEntryClass() throws Exception {
    Path jar = jobJar();
    try (EmbeddedFlink flink = EmbeddedFlink.start(new FlinkSettings(EmbeddedFlinkIT.tempDir("flink-rest"), 2, 0,
        Duration.ofSeconds(1), 0))) {
      FlinkRestClient client = new FlinkRestClient(flink.restAddress());
      assertThat(client.flinkVersion()).startsWith("2.");

      String jarId = client.upload(jar);
      assertThat(jarId).endsWith(jar.getFileName().toString());
      String jobId = client.run(jarId, RestSubmittedJob.class.getName(), List.of("--count", "1000"));
      EmbeddedFlinkIT.awaitTrue("the submitted job finished", () -> client.jobStatus(jobId).equals("FINISHED"));

      assertThatThrownBy(() -> client.run(jarId, "no.such.Main", List.of()))
          .isInstanceOf(StackException.class).hasMessageContaining("HTTP");
      assertThatThrownBy(() -> client.run(jarId, RestSubmittedJob.class.getName(), List.of("--wrong")))
          .isInstanceOf(StackException.class).hasMessageContaining("HTTP");
    }
  }

  @Test
  void saysSoWhenNoFlinkAnswers() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    FlinkRestClient client = new FlinkRestClient(URI.create("http://127.0.0.1:" + port + "/"));
    assertThatThrownBy(client::flinkVersion).isInstanceOf(StackException.class)
        .hasMessageContaining("No Flink REST API answers");
  }

  /** A jar holding just {@link RestSubmittedJob}, as a job jar holds its jobs. */
  private static Path jobJar() throws Exception {
    Path jar = EmbeddedFlinkIT.tempDir("jobjar").resolve("rest-job.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    String entry = RestSubmittedJob.class.getName().replace('.', '/') + ".class";
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
      out.putNextEntry(new JarEntry(entry));
      try (var in = RestSubmittedJob.class.getClassLoader().getResourceAsStream(entry)) {
        in.transferTo(out);
      }
      out.closeEntry();
    }
    return jar;
  }
}
