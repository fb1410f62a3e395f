package io.tessera.deploy;

/** Turns an exception chain into the one line a user needs. */
final class Failures {

  /** The innermost cause's type and message, e.g. {@code BindException: Address already in use}. */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg = t.getMessage();
    return t.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : ": " + msg.strip().lines().findFirst().orElse(""));
  }

  private Failures() {}
}
