package io.tessera.jobs.generation;

/** Test access to how the generate operator derives each sample's seed (for oracles outside this package). */
public final class SampleSeeds {

    private SampleSeeds() {}

    /** The seed {@link GenerateOperator} gives sample {@code sampleIndex} of a request seeded {@code requestSeed}. */
    public static long of(long requestSeed, int sampleIndex) {
        return SampleMeta.sampleSeed(requestSeed, sampleIndex);
    }

    /** The engine's sample id for sample {@code sampleIndex} of {@code requestId}. */
    public static String sampleId(String requestId, int sampleIndex) {
        return SampleMeta.sampleId(requestId, sampleIndex);
    }
}
