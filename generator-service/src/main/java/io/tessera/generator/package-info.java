/**
 * The generator facade: {@link io.tessera.generator.Generator} bundles one model's tokenizers,
 * sequence layout and policy, builds engine requests for the four tasks
 * ({@link io.tessera.generator.SequenceLayout} documents where every token goes), and decodes
 * generated tokens back to frames and audio. {@link io.tessera.generator.ClipLayout} is the part of
 * the layout that jobs and decoders need to cut a token stream into frames;
 * {@link io.tessera.generator.TrainingMix} yields the pretraining sequences of all four tasks.
 */
package io.tessera.generator;
