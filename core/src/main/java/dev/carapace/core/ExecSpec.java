package dev.carapace.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A command to run in a running container ({@code docker exec}): its argv, and optionally its
 * environment, user, working directory, timeout and output limit. Immutable; validated when built.
 *
 * <pre>{@code
 * ExecResult r = container.exec(ExecSpec.builder()
 *     .command("sh", "-c", "echo $GREETING; id -u")
 *     .putEnv("GREETING", "hello")
 *     .workingDir(ContainerPath.of("/tmp"))
 *     .timeout(Duration.ofSeconds(10))
 *     .build());
 * }</pre>
 *
 * <p>An exec is never privileged ({@code docker exec --privileged} has no equivalent here), and it
 * runs with the container's capabilities, seccomp profile and no-new-privileges: an exec cannot do
 * more than the container's own processes. Environment values never appear in {@link #toString()},
 * logs or exception messages.
 */
public final class ExecSpec {
  /** How much of stdout, and of stderr, {@link RunningContainer#exec} keeps if unset: 1 MiB each. */
  public static final MemorySize DEFAULT_OUTPUT_LIMIT = MemorySize.ofMebibytes(1);

  private static final Pattern ENV_NAME = Pattern.compile("[^=\\x00]+");
  private static final Pattern USER_PART = Pattern.compile("[0-9]+|[a-zA-Z_][a-zA-Z0-9_.-]*\\$?");

  private final List<String> command;
  private final Map<String, String> env;
  private final String user;
  private final ContainerPath workingDir;
  private final Duration timeout;
  private final MemorySize outputLimit;

  private ExecSpec(Builder b) {
    this.command = List.copyOf(b.command);
    this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.user = b.user;
    this.workingDir = b.workingDir;
    this.timeout = b.timeout;
    this.outputLimit = b.outputLimit;
  }

  /** The command {@code argv} with every default: same as {@code builder().command(argv).build()}. */
  public static ExecSpec of(String... argv) {
    return builder().command(argv).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The argv, run directly (no shell; use {@code sh -c} for one). */
  public List<String> command() {
    return command;
  }

  /** Extra environment variables, added to the container's own ({@code docker exec -e}). */
  public Map<String, String> env() {
    return env;
  }

  /** The user ({@code docker exec -u}); if empty, the container's user (the spec's, else the image's). */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** The working directory ({@code docker exec -w}); if empty, the container's. */
  public Optional<ContainerPath> workingDir() {
    return Optional.ofNullable(workingDir);
  }

  /** How long the command may run; if empty, the launcher's stream timeout (60 s by default). */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** How many bytes of stdout, and of stderr, are kept; the rest is read and dropped. */
  public MemorySize outputLimit() {
    return outputLimit;
  }

  /** The command, user, working directory and timeout, with env names only, never their values. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ExecSpec{command=").append(command);
    if (!env.isEmpty()) {
      sb.append(", env=").append(env.keySet()).append(" (values not shown)");
    }
    if (user != null) {
      sb.append(", user=").append(user);
    }
    if (workingDir != null) {
      sb.append(", workingDir=").append(workingDir);
    }
    if (timeout != null) {
      sb.append(", timeout=").append(timeout);
    }
    return sb.append(", outputLimit=").append(outputLimit).append('}').toString();
  }

  /** Builds an {@link ExecSpec}; every setter checks its argument at once. */
  public static final class Builder {
    private List<String> command = List.of();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String user;
    private ContainerPath workingDir;
    private Duration timeout;
    private MemorySize outputLimit = DEFAULT_OUTPUT_LIMIT;

    private Builder() {}

    /**
     * The argv to run, directly, without a shell. Required.
     *
     * @throws IllegalArgumentException when it is empty, its first word is empty, or a word holds NUL
     */
    public Builder command(String... argv) {
      Objects.requireNonNull(argv, "exec command");
      return command(java.util.Arrays.asList(argv.clone()));
    }

    /** As {@link #command(String...)}. */
    public Builder command(List<String> argv) {
      Objects.requireNonNull(argv, "exec command");
      List<String> copy = new ArrayList<>(argv.size());
      for (String w : argv) {
        copy.add(Objects.requireNonNull(w, "exec command must not contain null"));
      }
      if (copy.isEmpty() || copy.get(0).isEmpty()) {
        throw new IllegalArgumentException("exec command must not be empty: " + copy);
      }
      for (String w : copy) {
        if (w.indexOf('\0') >= 0) { // the kernel's argv is NUL-terminated strings
          throw new IllegalArgumentException("exec command must not contain NUL: " + copy.get(0) + " ...");
        }
      }
      this.command = copy;
      return this;
    }

    /**
     * Sets environment variable {@code name} for this command only ({@code docker exec -e
     * NAME=VALUE}). If unset, the command sees the container's environment alone. The value never
     * appears in {@code toString}, logs or messages.
     *
     * @throws IllegalArgumentException when the name is empty or holds {@code =} or NUL, or the value
     *     holds NUL
     */
    public Builder putEnv(String name, String value) {
      Objects.requireNonNull(name, "exec env name");
      if (value == null) {
        throw new NullPointerException("exec env value must not be null: " + name);
      }
      if (!ENV_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("exec env name must be non-empty without '=' or NUL: \""
            + name.replace("\0", "\\0") + "\"");
      }
      if (value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("exec env value must not contain NUL: in " + name
            + " (the value is not shown)");
      }
      env.put(name, value);
      return this;
    }

    /** Sets every variable of {@code env} as {@link #putEnv} does. */
    public Builder putAllEnv(Map<String, String> env) {
      Objects.requireNonNull(env, "exec env").forEach(this::putEnv);
      return this;
    }

    /**
     * The user and optional group ({@code docker exec -u 1000:1000}). If unset, the container's user:
     * the spec's {@code user}, else the image's {@code USER}.
     *
     * @throws IllegalArgumentException unless name or uid, optionally {@code :group} or {@code :gid}
     */
    public Builder user(String user) {
      Objects.requireNonNull(user, "exec user");
      String[] parts = user.split(":", -1);
      if (parts.length > 2 || !USER_PART.matcher(parts[0]).matches()
          || (parts.length == 2 && !USER_PART.matcher(parts[1]).matches())) {
        throw new IllegalArgumentException("exec user must be name or uid, optionally :group or :gid: "
            + user.replaceAll("\\p{Cntrl}", "?"));
      }
      this.user = user;
      return this;
    }

    /** The working directory ({@code docker exec -w}). If unset, the container's. */
    public Builder workingDir(ContainerPath dir) {
      this.workingDir = Objects.requireNonNull(dir, "exec working dir");
      return this;
    }

    /**
     * How long the command may run before {@link RunningContainer#exec} gives up with an
     * {@link ExecTimeoutException}. If unset, the launcher's stream timeout (60 s by default).
     *
     * @throws IllegalArgumentException unless positive
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "exec timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("exec timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * How many bytes of stdout, and as many of stderr, to keep. Output beyond is read (so the command
     * never blocks on a full pipe) and dropped, and the result says it was truncated. If unset,
     * {@link ExecSpec#DEFAULT_OUTPUT_LIMIT} (1 MiB each).
     *
     * @throws IllegalArgumentException above 256 MiB (the output is held in memory)
     */
    public Builder outputLimit(MemorySize limit) {
      Objects.requireNonNull(limit, "exec output limit");
      if (limit.bytes() > 256L << 20) {
        throw new IllegalArgumentException("exec output limit must be at most 256MiB: " + limit);
      }
      this.outputLimit = limit;
      return this;
    }

    /** @throws IllegalStateException when no command was set */
    public ExecSpec build() {
      if (command.isEmpty()) {
        throw new IllegalStateException("exec command must be set: none (call command(\"...\"))");
      }
      return new ExecSpec(this);
    }
  }
}
