package io.tessera.generator.engine;

/**
 * Receives tokens as they are sampled. Called on the thread that runs {@link GenerationEngine#step()},
 * between decode steps, never concurrently for one engine.
 */
public interface TokenListener {

    /**
     * One token was sampled.
     *
     * @param sampleId      which sample
     * @param position      index of the token in the sample's generated sequence (dense from 0)
     * @param token         the id in the shared vocabulary
     * @param logprob       its log-probability under the sampling distribution's policy
     * @param policyVersion the policy version that sampled it
     */
    void onToken(String sampleId, int position, int token, float logprob, long policyVersion);

    /** The sample left the engine; its slot is free. Called exactly once per admitted sample. */
    void onFinished(String sampleId, FinishReason reason, SampleTimings timings);
}
