package io.tessera.ingest.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed command line: positional words, options with a value ({@code --opt V} or {@code --opt=V}) and flags
 * ({@code --flag}). Anything else starting with {@code --} is a {@link UsageException} naming it.
 */
final class CliArgs {

    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flagsSeen = new java.util.HashSet<>();

    private CliArgs() {}

    /**
     * @param valued option names (without {@code --}) that take a value
     * @param flags  option names that take none; {@code help} (and {@code -h}) is always one
     */
    static CliArgs parse(String[] args, Set<String> valued, Set<String> flags) throws UsageException {
        CliArgs a = new CliArgs();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                a.flagsSeen.add("help");
                continue;
            }
            if (!arg.startsWith("--") || arg.equals("--")) {
                if (arg.startsWith("-") && arg.length() > 1 && !arg.matches("-\\d+")) {
                    throw new UsageException("unknown option " + arg);
                }
                a.positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (inline != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                a.flagsSeen.add(name);
            } else if (valued.contains(name)) {
                String v;
                if (inline != null) {
                    v = inline;
                } else if (i + 1 < args.length) {
                    v = args[++i];
                } else {
                    throw new UsageException("--" + name + " needs a value");
                }
                if (a.values.put(name, v) != null) {
                    throw new UsageException("--" + name + " is given twice");
                }
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        return a;
    }

    List<String> positional() {
        return positional;
    }

    boolean flag(String name) {
        return flagsSeen.contains(name);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int intValue(String name, int fallback, int min, int max) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        long n = longValue(name, fallback);
        if (n < min || n > max) {
            throw new UsageException("--" + name + " must be in [" + min + ", " + max + "], got " + v);
        }
        return (int) n;
    }

    long longValue(String name, long fallback) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
        }
    }
}
