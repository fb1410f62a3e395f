/**
 * The command-line clients of Tessera, one class per command, each with
 * {@code static int run(String[] args, PrintStream out, PrintStream err)} for the launcher:
 * {@link io.tessera.ingest.cli.PromptCommand} ({@code tessera prompt}: publish a request, follow its events, write
 * frames, a GIF and audio), {@link io.tessera.ingest.cli.StatusCommand} ({@code tessera status ID}),
 * {@link io.tessera.ingest.cli.FeedbackCommand} ({@code tessera feedback ID --up ...}) and
 * {@link io.tessera.ingest.cli.TailCommand} ({@code tessera tail TOPIC}, JSON lines straight from Kafka). Exit codes
 * are {@link io.tessera.ingest.cli.ExitCodes}; gateway commands find the API key like
 * {@link io.tessera.ingest.auth.ApiKeys#findClientKey(java.nio.file.Path)}.
 */
package io.tessera.ingest.cli;
