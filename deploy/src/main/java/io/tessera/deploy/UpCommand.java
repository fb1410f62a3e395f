package io.tessera.deploy;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code tessera up}: starts the local stack, prints where everything is, and runs until Ctrl-C or SIGTERM. */
final class UpCommand {

  private static final Logger LOG = LoggerFactory.getLogger(UpCommand.class);
  /** Set while the JVM runs the shutdown hook, so {@code main} does not call {@code System.exit} into it. */
  static volatile boolean shuttingDown;

  static int run(String[] argv, PrintStream out) throws InterruptedException {
    Args args = Args.parse("up", argv, UpOptions.VALUED, UpOptions.FLAGS);
    if (args.flag("help")) {
      out.print(UpOptions.HELP);
      return 0;
    }
    UpOptions options = UpOptions.parse(args);
    JobsPart.jobConfig("127.0.0.1:" + options.kafkaPort(), options.jobOptions()); // bad --job options fail first
    long t0 = System.nanoTime();
    LOG.info("Starting Tessera (data in {})", options.dataDir().toAbsolutePath().normalize());
    LocalStack stack = LocalStack.start(options);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      shuttingDown = true;
      LOG.info("Stopping Tessera...");
      long s0 = System.nanoTime();
      stack.close();
      LOG.info("Tessera stopped in {} ms", (System.nanoTime() - s0) / 1_000_000);
      stopped.countDown();
    }, "tessera-shutdown"));

    printSummary(stack, options, (System.nanoTime() - t0) / 1_000_000, out);
    if (options.demo() && options.runJobs() && stack.gateway() != null) {
      DemoClip.startInBackground(stack.gateway(), options.dataDir(), out);
    }
    stopped.await();
    return 0;
  }

  static void printSummary(LocalStack stack, UpOptions o, long startMillis, PrintStream out) {
    out.println();
    out.printf("Tessera is up (%.1f s).%n", startMillis / 1000.0);
    out.printf("  Kafka bootstrap  %s%n", stack.bootstrapServers());
    if (stack.gateway() != null) {
      out.printf("  Gateway          %s%n", stack.gateway());
      out.printf("  Dashboard        %s#key=%s%n", stack.gateway().resolve("/"), stack.apiKey());
    }
    if (stack.flinkUi() != null) {
      out.printf("  Flink web UI     %s%n", stack.flinkUi());
    }
    for (JobsPart.Started job : stack.jobs()) {
      out.printf("  Flink job        %s (%s)%n", job.definition().name(), job.jobId());
    }
    if (stack.sinks() != null) {
      out.printf("  Media files      %s%n", stack.sinks().mediaRoot().toAbsolutePath().normalize());
      if (stack.sinks().catalogUrl() != null) {
        out.printf("  Catalog          %s%n", stack.sinks().catalogUrl());
      }
      out.printf("  Kafka Connect    %s%n", stack.sinks().connectRest());
    }
    out.printf("  Data             %s%n", o.dataDir().toAbsolutePath().normalize());
    if (stack.apiKey() != null) {
      out.println();
      out.println("API key: " + stack.apiKey());
      out.printf("(tenant %s; kept in %s, where bin/tessera prompt, status and feedback find it)%n",
          io.tessera.ingest.auth.ApiKeys.DEV_TENANT, o.dataDir().resolve(io.tessera.ingest.auth.ApiKeys.CLIENT_KEY_FILE));
    }
    out.println();
    out.println("Try:");
    if (stack.gateway() != null) {
      String base = stack.gateway().toString().replaceAll("/$", "");
      out.printf("  curl -s %s/healthz%n", base);
      out.printf("  curl -s -X POST %s/v1/generations -H \"Authorization: Bearer $(cat %s)\" \\%n", base,
          o.dataDir().resolve(io.tessera.ingest.auth.ApiKeys.CLIENT_KEY_FILE));
      out.println("       -H 'Content-Type: application/json' \\");
      out.println("       -d '{\"prompt\": \"a red circle moving left\", \"task\": \"TEXT_TO_VIDEO\", \"frames\": 8}'");
      out.printf("  bin/tessera status REQUEST_ID   |   bin/tessera feedback REQUEST_ID --up%n");
      out.printf("  bin/tessera tail tessera.generations --last 5%n");
      out.printf("  bin/tessera prompt \"a red circle moving left\" --out out/%s%n",
          o.gatewayPort() == UpOptions.DEFAULT_GATEWAY_PORT ? "" : " --gateway " + base);
    }
    out.printf("  bin/tessera topics%s%n",
        o.bootstrap() == null && o.kafkaPort() == UpOptions.DEFAULT_KAFKA_PORT ? ""
            : " --bootstrap " + stack.bootstrapServers());
    out.println("Press Ctrl-C to stop.");
    out.flush();
  }

  private UpCommand() {}
}
