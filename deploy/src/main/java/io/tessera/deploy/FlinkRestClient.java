package io.tessera.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Submits job jars to a standing Flink cluster over its REST API: {@code POST /jars/upload} (multipart field
 * {@code jarfile}), then {@code POST /jars/{id}/run} with the entry class and program arguments.
 */
final class FlinkRestClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
  /** A starting cluster answers 503 ("ongoing leader election") until its dispatcher leads: wait this long. */
  private static final Duration LEADER_WAIT = Duration.ofSeconds(30);
  private static final long LEADER_POLL_MS = 250;

  private final URI base;
  private final HttpClient http;

  FlinkRestClient(URI base) {
    this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  static FlinkRestClient of(HostPort hostPort) {
    return new FlinkRestClient(URI.create("http://" + hostPort + "/"));
  }

  /** The cluster's version, read from {@code GET /config}; also checks that a Flink REST API answers there. */
  String flinkVersion() {
    JsonNode config = send(HttpRequest.newBuilder(base.resolve("config")).timeout(REQUEST_TIMEOUT).GET().build(),
        "GET /config");
    return config.path("flink-version").asText("unknown");
  }

  /** Uploads a jar and returns the id the cluster gave it. */
  String upload(Path jar) {
    String boundary = "tessera-" + UUID.randomUUID();
    byte[] body;
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
          + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      out.write(Files.readAllBytes(jar));
      out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      body = out.toByteArray();
    } catch (IOException e) {
      throw new StackException("Cannot read the job jar " + jar + ": " + e.getMessage(), e);
    }
    JsonNode reply = send(HttpRequest.newBuilder(base.resolve("jars/upload"))
        .timeout(UPLOAD_TIMEOUT)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build(), "POST /jars/upload");
    String filename = reply.path("filename").asText("");
    if (!"success".equals(reply.path("status").asText()) || filename.isEmpty()) {
      throw new StackException("Flink at " + base + " did not accept " + jar.getFileName() + ": " + reply);
    }
    return Path.of(filename).getFileName().toString();
  }

  /** Runs an uploaded jar's entry class with the given arguments; returns the new job's id. */
  String run(String jarId, String entryClass, List<String> programArgs) {
    String payload;
    try {
      payload = JSON.writeValueAsString(Map.of("entryClass", entryClass, "programArgsList", programArgs));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    JsonNode reply = send(HttpRequest.newBuilder(base.resolve("jars/" + jarId + "/run"))
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(payload))
        .build(), "POST /jars/" + jarId + "/run");
    String jobId = reply.path("jobid").asText("");
    if (jobId.isEmpty()) {
      throw new StackException("Flink at " + base + " did not start " + entryClass + ": " + reply);
    }
    return jobId;
  }

  /** The job's status as the cluster reports it ({@code RUNNING}, {@code FAILED}, ...). */
  String jobStatus(String jobId) {
    return send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId)).timeout(REQUEST_TIMEOUT).GET().build(),
        "GET /jobs/" + jobId).path("state").asText("UNKNOWN");
  }

  /** Cancels a job ({@code PATCH /jobs/{id}?mode=cancel}); the cluster finishes cancelling on its own. */
  void cancel(String jobId) {
    send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "?mode=cancel")).timeout(REQUEST_TIMEOUT)
        .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), "PATCH /jobs/" + jobId);
  }

  URI webUrl() {
    return base;
  }

  /** Flink puts a whole stack trace in {@code errors}; its last "Caused by" line is the reason. */
  static String rootCause(String trace) {
    String first = trace.lines().findFirst().orElse("").strip();
    String cause = trace.lines().map(String::strip).filter(l -> l.startsWith("Caused by: "))
        .reduce((a, b) -> b).map(l -> l.substring("Caused by: ".length())).orElse(null);
    return cause == null ? first : first + " (" + cause + ")";
  }

  private JsonNode send(HttpRequest request, String what) {
    try {
      long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      while (response.statusCode() == 503 && System.nanoTime() < deadline) {
        Thread.sleep(LEADER_POLL_MS);
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      }
      JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
      if (response.statusCode() / 100 != 2) {
        JsonNode errors = json.path("errors");
        String detail = errors.isArray() && !errors.isEmpty() ? rootCause(errors.get(errors.size() - 1).asText())
            : response.body();
        throw new StackException(what + " on Flink at " + base + " failed with HTTP " + response.statusCode()
            + ": " + detail);
      }
      return json;
    } catch (ConnectException e) {
      throw new StackException("No Flink REST API answers at " + base + "; start the cluster or fix --flink", e);
    } catch (IOException e) {
      throw new StackException(what + " on Flink at " + base + " failed: " + Failures.rootMessage(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted during " + what, e);
    }
  }
}
