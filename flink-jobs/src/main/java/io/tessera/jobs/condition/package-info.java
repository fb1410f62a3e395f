/**
 * The conditioning assembler of GenerationJob: {@link io.tessera.jobs.condition.ConditionAssembler} joins, per
 * request id, a {@code GenerationRequest} from {@code tessera.prompts} with the {@code MediaChunk}s it promised
 * on {@code tessera.media.in} (any order, repeats dropped, bounded by {@code condition.timeout} and {@code
 * condition.max-frames}), decodes them (frames to the world's 64x64 RGB, audio to 16 kHz mono) and hands the
 * request on as a {@link io.tessera.jobs.condition.ConditionedRequest}; incomplete, orphaned or malformed media
 * goes to the DLQ with the reason, and the request's state and timer are cleared.
 */
package io.tessera.jobs.condition;
