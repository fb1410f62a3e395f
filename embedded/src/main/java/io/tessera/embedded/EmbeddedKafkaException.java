package io.tessera.embedded;

/** The embedded broker could not start, or could not do what was asked; the message says what and why. */
public final class EmbeddedKafkaException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  EmbeddedKafkaException(String message, Throwable cause) {
    super(message, cause);
  }
}
