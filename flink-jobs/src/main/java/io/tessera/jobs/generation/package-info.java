/**
 * The generate operator of GenerationJob: one {@code GenerationEngine} per subtask driven from the task's
 * mailbox (continuous batching, backpressure by yielding when the engine is full), token chunks per
 * frame, a completion record per sample, and in-flight samples in checkpointed operator state.
 */
package io.tessera.jobs.generation;
