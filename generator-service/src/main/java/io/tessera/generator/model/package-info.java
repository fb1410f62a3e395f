/**
 * The decoder-only transformer: {@link io.tessera.generator.model.ModelConfig} (shape, validated, with a
 * stable id), {@link io.tessera.generator.model.Policy} (config + weights + version; save / load with a
 * checksum, bytes for {@code PolicyUpdate}), {@link io.tessera.generator.model.Transformer} (one forward
 * for training and prefill, one batched decode step) and {@link io.tessera.generator.model.KvCache}
 * (preallocated per-slot keys and values; a large batched step runs as row ranges on several cores through
 * {@link io.tessera.generator.model.Shards}). Runs on the GPU when DJL sees one, else the CPU
 * ({@link io.tessera.generator.model.ComputeDevice}).
 */
package io.tessera.generator.model;
