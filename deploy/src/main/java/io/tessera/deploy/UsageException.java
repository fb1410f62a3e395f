package io.tessera.deploy;

/** The command line was wrong; the message says what to type instead. Exit code 2. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
