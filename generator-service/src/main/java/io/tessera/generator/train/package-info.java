/**
 * Next-token pretraining: {@link io.tessera.generator.train.Pretrainer} (AdamW, masked cross-entropy,
 * progress line, checkpoints, resume) over any {@link io.tessera.generator.train.SequenceSource}
 * (the world's training mix implements it), configured by {@link io.tessera.generator.train.TrainOptions}.
 */
package io.tessera.generator.train;
