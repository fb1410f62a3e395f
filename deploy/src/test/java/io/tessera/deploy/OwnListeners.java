package io.tessera.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP sockets this JVM listens on, read from the kernel like {@code ss -ltnp}: socket inodes from
 * {@code /proc/self/fd}, matched against the LISTEN rows of {@code /proc/net/tcp} and {@code tcp6}.
 */
final class OwnListeners {

  /** A listening socket: address as the kernel shows it (decoded) and port. */
  record Listener(String address, int port) {
    boolean isLoopback() {
      return address.equals("127.0.0.1") || address.equals("::1") || address.equals("::ffff:127.0.0.1");
    }
  }

  static boolean available() {
    return Files.isReadable(Path.of("/proc/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd"));
  }

  static List<Listener> all() throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException e) {
          // the descriptor closed while we looked
        }
      }
    }
    List<Listener> out = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.isReadable(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f[3].equals("0A") && inodes.contains(f[9])) {
          String[] local = f[1].split(":");
          out.add(new Listener(decode(local[0]), Integer.parseInt(local[1], 16)));
        }
      }
    }
    return out;
  }

  /** The kernel prints each 32-bit word of the address in little-endian byte order. */
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
    if (hex.startsWith("0000000000000000FFFF0000")) {
      return "::ffff:" + decode(hex.substring(24));
    }
    return hex;
  }

  private OwnListeners() {}
}
