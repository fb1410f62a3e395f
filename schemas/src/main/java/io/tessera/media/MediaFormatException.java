package io.tessera.media;

/** Bytes that are not a valid image or audio file of the expected format, or an encode request that cannot work. */
public class MediaFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MediaFormatException(String message) {
    super(message);
  }

  public MediaFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
