/**
 * The learned adherence scorer: a small DJL network (PyTorch engine) that reads frame pairs and predicts,
 * per palette colour, presence, shape and direction, with no rule of the detector; its training command
 * ({@link io.tessera.reward.learned.TrainScorer}) and its agreement with the detector on held-out clips
 * ({@link io.tessera.reward.learned.Agreement}).
 */
package io.tessera.reward.learned;
