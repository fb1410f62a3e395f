/**
 * The generate operator of GenerationJob: one {@code GenerationEngine} per subtask driven from the task's
 * mailbox (continuous batching, backpressure by yielding when the engine is full), token chunks per
 * frame, a completion record per sample, and in-flight samples in checkpointed operator state. Its
 * second input carries broadcast policy updates (verified, then hot-swapped between decode steps; the
 * applied weights are checkpointed); cancels share the keyed first input with the prompts.
 */
package io.tessera.jobs.generation;
