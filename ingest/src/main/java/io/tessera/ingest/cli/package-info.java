/**
 * The command-line client of the gateway: {@code tessera prompt} ({@link io.tessera.ingest.cli.PromptCommand})
 * publishes a request over HTTP, follows its Server-Sent Events and writes frames, a GIF and audio to disk.
 */
package io.tessera.ingest.cli;
