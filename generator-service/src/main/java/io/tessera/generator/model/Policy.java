package io.tessera.generator.model;

/** Placeholder being replaced by the model work: a transformer's config, weights and version. */
public final class Policy {
    private Policy() {}
}
