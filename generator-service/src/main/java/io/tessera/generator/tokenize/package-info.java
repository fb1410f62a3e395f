/**
 * Discrete tokenizers and the shared vocabulary: video frames to 16 codes (palette colour x learned
 * patch mask), audio to one code per frame (k-means over log spectra, sinusoidal resynthesis), text
 * to UTF-8 bytes, all in one {@link io.tessera.generator.tokenize.Vocabulary} id space with special
 * tokens. {@link io.tessera.generator.tokenize.TrainTokenizers} reproduces the shipped codebooks;
 * {@link io.tessera.generator.tokenize.TokenizerComparison} measures the options that were weighed.
 */
package io.tessera.generator.tokenize;
