package io.tessera.deploy;

/** A part of the stack could not start or do its work; the message says what to do about it. Exit code 1. */
final class StackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StackException(String message) {
    super(message);
  }

  StackException(String message, Throwable cause) {
    super(message, cause);
  }
}
