/**
 * The procedural world the default model knows, deterministic by seed: 64x64 clips at 8 fps of one
 * or two coloured shapes moving steadily and bouncing off the walls, each humming a tone set by its
 * shape, with a click at every bounce; the prompt that describes a clip; the fixed held-out split of
 * (shape, colour, motion) combinations; and the {@link io.tessera.generator.world.Detector} that
 * checks any clip against a prompt (the ground truth for evaluation and rewards).
 */
package io.tessera.generator.world;
