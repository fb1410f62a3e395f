package io.tessera.schemas;

import java.util.Objects;

/** Bytes (or JSON) that could not be read as the expected record; {@link #problem()} says what was wrong. */
public class RecordDecodingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the input. */
  public enum Problem {
    /** The input was null or had no bytes. */
    NULL_OR_EMPTY,
    /** The input does not start with the single-object marker {@code C3 01}: not an Avro single object at all. */
    NOT_SINGLE_OBJECT,
    /** The input ends before the header or the record body is complete. */
    TRUNCATED,
    /** The header names a schema fingerprint that no known schema has. */
    UNKNOWN_FINGERPRINT,
    /** The header is fine but the body does not decode with the writer schema (or has bytes left over). */
    CORRUPT_BODY,
    /** The bytes hold a known record of another type than the one asked for. */
    WRONG_RECORD_TYPE
  }

  private final Problem problem;

  public RecordDecodingException(Problem problem, String message) {
    this(problem, message, null);
  }

  public RecordDecodingException(Problem problem, String message, Throwable cause) {
    super(Objects.requireNonNull(problem, "problem") + ": " + message, cause);
    this.problem = problem;
  }

  /** What was wrong with the input. */
  public Problem problem() {
    return problem;
  }
}
