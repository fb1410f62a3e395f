package io.tessera.generator.world;

/** Which side of the fixed held-out split a clip is drawn from. */
public enum Split {
    /** Only combinations outside {@link HeldOut#COMBINATIONS}. */
    TRAIN,
    /** Every clip contains at least one held-out combination (its first object). */
    HELD_OUT
}
