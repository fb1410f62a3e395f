package io.tessera.deploy;

/**
 * A {@code HOST:PORT} pair as typed on the command line.
 *
 * @param host a host name or IPv4 address (IPv6 in brackets)
 * @param port 1..65535
 */
record HostPort(String host, int port) {

  HostPort {
    if (host == null || host.isBlank()) {
      throw new UsageException("missing host in HOST:PORT");
    }
    if (port < 1 || port > 65535) {
      throw new UsageException("port must be in 1..65535, got " + port);
    }
  }

  /** Parses {@code HOST:PORT}; {@code option} names the flag in the error message. */
  static HostPort parse(String option, String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new UsageException(option + " expects HOST:PORT (e.g. 127.0.0.1:9092), got '" + value + "'");
    }
    try {
      return new HostPort(value.substring(0, colon), Integer.parseInt(value.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new UsageException(option + " expects HOST:PORT with a numeric port, got '" + value + "'");
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
