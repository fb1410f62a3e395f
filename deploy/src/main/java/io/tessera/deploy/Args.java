package io.tessera.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of one subcommand: {@code --name value}, {@code --name=value} and bare flags, each checked against the
 * names the command declares, so a typo is a usage error that names the option instead of being ignored.
 */
final class Args {

  private final String command;
  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();

  private Args(String command) {
    this.command = command;
  }

  /**
   * @param valued options that take a value (without the leading {@code --})
   * @param flags options that take none
   */
  static Args parse(String command, String[] argv, Set<String> valued, Set<String> flags) {
    Args args = new Args(command);
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--") || a.equals("--")) {
        args.positional.add(a);
        continue;
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (flags.contains(name)) {
        if (value != null) {
          throw new UsageException("--" + name + " takes no value; see 'tessera " + command + " --help'");
        }
        args.values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
      } else if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 >= argv.length) {
            throw new UsageException("--" + name + " needs a value; see 'tessera " + command + " --help'");
          }
          value = argv[++i];
        }
        args.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } else {
        throw new UsageException("unknown option --" + name + " for '" + command + "'; see 'tessera " + command
            + " --help'");
      }
    }
    return args;
  }

  boolean flag(String name) {
    return values.containsKey(name);
  }

  String get(String name, String defaultValue) {
    List<String> v = values.get(name);
    return v == null ? defaultValue : v.get(v.size() - 1);
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  int intValue(String name, int defaultValue, int min, int max) {
    String v = get(name, null);
    if (v == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) {
        throw new UsageException("--" + name + " must be in " + min + ".." + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " expects a number, got '" + v + "'");
    }
  }

  HostPort hostPort(String name) {
    String v = get(name, null);
    return v == null ? null : HostPort.parse("--" + name, v);
  }

  List<String> positional() {
    return positional;
  }

  void requireNoPositional() {
    if (!positional.isEmpty()) {
      throw new UsageException("'" + command + "' takes no argument '" + positional.get(0) + "'; see 'tessera "
          + command + " --help'");
    }
  }
}
