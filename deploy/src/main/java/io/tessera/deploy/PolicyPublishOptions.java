package io.tessera.deploy;

import io.tessera.jobs.policy.PolicyOptions;
import java.nio.file.Path;
import java.util.Set;

/**
 * The options of {@code tessera policy publish}, validated when parsed.
 *
 * @param modelDir  a model directory ({@code Generator.load}: written by {@code train}, {@code rl} or
 *                  {@code Policy.save}), or null for the shipped default model
 * @param version   the version to stamp (> 0), or null for the next one (see {@link PolicyCommand#nextVersion})
 * @param bootstrap the Kafka to publish to
 * @param dir       where the weights file is written ({@code --dir}, default {@code <data-dir>/policies})
 * @param inline    send the weights inside the record instead of by {@code file:} URI (small models only)
 * @param name      the policy name: the record's key and {@code policyName}
 */
record PolicyPublishOptions(Path modelDir, Long version, HostPort bootstrap, Path dir, boolean inline, String name) {

  /** Under the data dir of {@code up}: {@code <data-dir>/policies}. */
  static final String POLICIES_DIR = "policies";
  /** PolicyJob's limit for inline weights ({@code policy.inline-max-bytes}' default). */
  static final int INLINE_MAX_BYTES = PolicyOptions.INLINE_MAX_BYTES.defaultValue();

  static final String HELP = """
      Usage: tessera policy publish [--model-dir DIR] [--version N] [--bootstrap HOST:PORT] [--dir DIR] [--inline]

      Publishes a model's weights as one PolicyUpdate on tessera.policy, as PolicyJob does: the running
      generators verify its model id and SHA-256, load it off their task thread and swap it in between two
      decode steps, without a restart; chunks sampled after the swap carry the new version.
      The weights are written to DIR/<name>-v<N>.bin (temp file + rename) and sent by file: URI, so the
      generators must be able to read that path (same machine or a shared file system).
      Prints: published policy v<N> (<bytes> bytes, sha256 <first 12>) to tessera.policy at <bootstrap>

      Options:
        --model-dir DIR        a model directory from 'tessera train' or 'tessera rl' (default: the shipped model)
        --version N            the version to stamp, > 0 and above every version already on tessera.policy
                               (default: the model's version + 1, or the newest on tessera.policy + 1 if higher)
        --bootstrap HOST:PORT  the Kafka to publish to (default %s, where 'tessera up' puts it)
        --data-dir DIR         the data directory of 'tessera up' (default %s)
        --dir DIR              where the weights file goes (default DATA-DIR/%s)
        --inline               send the weights inside the record (only up to %d bytes, PolicyJob's limit)
        --name NAME            policy name, the record's key (default %s)
        --help                 this text
      """.formatted(TopicsCommand.DEFAULT_BOOTSTRAP, UpOptions.DEFAULT_DATA_DIR, POLICIES_DIR, INLINE_MAX_BYTES,
      PolicyOptions.NAME.defaultValue());

  static final Set<String> VALUED = Set.of("model-dir", "version", "bootstrap", "data-dir", "dir", "name");
  static final Set<String> FLAGS = Set.of("inline", "help");

  static PolicyPublishOptions parse(Args args) {
    args.requireNoPositional();
    String name = args.get("name", PolicyOptions.NAME.defaultValue());
    if (name.isBlank()) {
      throw new UsageException("--name must not be empty");
    }
    String modelDir = args.get("model-dir", null);
    Path dir = args.get("dir", null) != null ? Path.of(args.get("dir", null))
        : Path.of(args.get("data-dir", UpOptions.DEFAULT_DATA_DIR)).resolve(POLICIES_DIR);
    return new PolicyPublishOptions(
        modelDir == null ? null : Path.of(modelDir),
        version(args.get("version", null)),
        HostPort.parse("--bootstrap", args.get("bootstrap", TopicsCommand.DEFAULT_BOOTSTRAP)),
        dir,
        args.flag("inline"),
        name);
  }

  private static Long version(String v) {
    if (v == null) {
      return null;
    }
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--version expects a whole number > 0, got '" + v + "'");
    }
    if (n <= 0) {
      throw new UsageException("--version must be > 0, got " + n);
    }
    return n;
  }
}
