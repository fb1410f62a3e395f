package io.tessera.schemas;

/** A record that cannot be written with its schema, typically a required field left null; the message names it. */
public class RecordEncodingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public RecordEncodingException(String field, String message, Throwable cause) {
    super(message, cause);
    this.field = field;
  }

  /** Dotted path of the offending field ({@code GenerationRequest.sampling.seed}), or null when Avro did not say. */
  public String field() {
    return field;
  }
}
