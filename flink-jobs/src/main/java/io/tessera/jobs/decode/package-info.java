/**
 * The keyed function of DecodeJob: orders each sample's token chunks (drops repeats, waits for gaps),
 * decodes frames to PNG and audio to WAV as soon as their tokens are complete, and clears the sample's
 * state and timers when it is done.
 */
package io.tessera.jobs.decode;
