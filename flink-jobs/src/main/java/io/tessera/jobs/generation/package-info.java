/**
 * The generate operator of GenerationJob: one {@code GenerationEngine} per subtask driven from the task's
 * mailbox (continuous batching, backpressure by yielding when the engine is full), the request's conditioning
 * media tokenized into its prefix once per request, token chunks per frame, a completion record per sample,
 * and in-flight samples (prefix tokens, not images) in checkpointed operator state. Its second input carries
 * broadcast policy updates (read, verified and decoded on a background thread, then hot-swapped from the
 * mailbox between decode steps; the applied weights are checkpointed); cancels share the keyed first input
 * with the prompts. {@link io.tessera.jobs.generation.PromptValidator} says what each task must promise.
 * Best-of-N requests run K candidates per returned sample ({@code CandidateGroup}), scored by a reward
 * ({@code CandidateVerifier}); only the winner's chunks leave.
 */
package io.tessera.jobs.generation;
