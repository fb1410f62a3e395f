/**
 * The Tessera Flink jobs. Each job is a class with a source-agnostic {@code pipeline} method (input
 * DataStreams to output DataStreams, so tests wire in-memory sources and sinks), an {@code
 * addToEnvironment(env, JobConfig)} that wraps it in Kafka sources and sinks, and a {@code main} for
 * submission to a standing cluster: {@link io.tessera.jobs.GenerationJob} (prompts and their conditioning media to
 * token chunks, with cancels and policy updates) and
 * {@link io.tessera.jobs.DecodeJob} (token chunks to frames and audio). {@link io.tessera.jobs.JobConfig}
 * holds the validated settings declared in {@link io.tessera.jobs.JobOptions}; {@link
 * io.tessera.jobs.LocalCluster} the settings of an in-process cluster on loopback.
 */
package io.tessera.jobs;
