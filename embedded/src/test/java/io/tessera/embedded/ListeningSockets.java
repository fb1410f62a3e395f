package io.tessera.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the kernel's table of listening TCP sockets ({@code /proc/net/tcp} and {@code tcp6}), as {@code ss -ltn} does. */
final class ListeningSockets {

  /** One listening socket: the local address in the kernel's hex notation, decoded, and its port. */
  record Listener(String address, int port) {
    boolean isLoopback() {
      return address.equals("127.0.0.1") || address.equals("::1") || address.equals("::ffff:127.0.0.1");
    }
  }

  private static final String LISTEN_STATE = "0A";

  static boolean available() {
    return Files.isReadable(Path.of("/proc/net/tcp"));
  }

  static List<Listener> onPort(int port) throws IOException {
    List<Listener> out = new ArrayList<>();
    for (Listener l : all()) {
      if (l.port() == port) {
        out.add(l);
      }
    }
    return out;
  }

  static List<Listener> all() throws IOException {
    List<Listener> out = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.isReadable(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (!f[3].equals(LISTEN_STATE)) {
          continue;
        }
        String[] local = f[1].split(":");
        out.add(new Listener(decode(local[0]), Integer.parseInt(local[1], 16)));
      }
    }
    return out;
  }

  /** The kernel prints each 32-bit word of the address in host (little-endian) byte order. */
  private static String decode(String hex) {
    if (hex.length() == 8) {
      long v = Long.parseLong(hex, 16);
      return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
    }
    if (hex.equals("00000000000000000000000000000000")) {
      return "::";
    }
    if (hex.equals("00000000000000000000000001000000")) {
      return "::1";
    }
    if (hex.startsWith("0000000000000000FFFF0000")) { // IPv4-mapped
      return "::ffff:" + decode(hex.substring(24));
    }
    return hex;
  }

  private ListeningSockets() {}
}
