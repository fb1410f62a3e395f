/**
 * Media file formats on Tessera's topics and in its CLI output: {@link io.tessera.media.Png} frames,
 * {@link io.tessera.media.AnimatedGif} clips, {@link io.tessera.media.Wav} audio, and
 * {@link io.tessera.media.Resample} for moving audio to the model's sample rate. Errors on bad bytes are
 * {@link io.tessera.media.MediaFormatException}s. Plain JDK (ImageIO), no native code.
 */
package io.tessera.media;
