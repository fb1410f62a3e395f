package io.tessera.generator.world;

/** A prompt that does not describe objects of the world; the message names what is missing. */
public final class PromptParseException extends IllegalArgumentException {
    public PromptParseException(String message) {
        super(message);
    }
}
