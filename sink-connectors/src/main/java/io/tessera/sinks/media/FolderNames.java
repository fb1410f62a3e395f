package io.tessera.sinks.media;

import java.nio.charset.StandardCharsets;

/**
 * A request id as one safe folder name: letters, digits, '.', '_' and '-' are kept, every other byte of its UTF-8
 * form becomes {@code %XX}, so ids such as UUIDs read as themselves and no id can climb out of the root ('/',
 * "..") or collide with another.
 */
final class FolderNames {

  /** Longest request id accepted (in UTF-8 bytes); file systems allow 255 bytes per name. */
  static final int MAX_ID_BYTES = 80;

  private FolderNames() {}

  /**
   * @throws IllegalArgumentException for an empty or too long id
   */
  static String of(String requestId) {
    byte[] utf8 = requestId == null ? new byte[0] : requestId.getBytes(StandardCharsets.UTF_8);
    if (utf8.length == 0) {
      throw new IllegalArgumentException("requestId is empty");
    }
    if (utf8.length > MAX_ID_BYTES) {
      throw new IllegalArgumentException("requestId is " + utf8.length + " bytes, the limit is " + MAX_ID_BYTES);
    }
    StringBuilder sb = new StringBuilder(utf8.length);
    for (byte b : utf8) {
      char c = (char) (b & 0xFF);
      boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '-' || (c == '.' && sb.length() > 0);
      if (keep) {
        sb.append(c);
      } else {
        sb.append('%').append(String.format("%02X", b & 0xFF));
      }
    }
    return sb.toString();
  }
}
