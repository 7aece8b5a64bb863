package dev.carapace.core;

/**
 * A container's output so far ({@code docker logs}), streams apart. Empty when the log driver keeps
 * nothing readable (none, syslog, journald on engines without dual logging). Each stream keeps at most
 * a limit (1 MiB by default, {@link RunningContainer#logs(MemorySize)}); the rest was read and dropped,
 * which the {@code *Truncated} flags say.
 */
public final class ContainerLogs {
  private final String stdout;
  private final String stderr;
  private final boolean stdoutTruncated;
  private final boolean stderrTruncated;

  ContainerLogs(String stdout, String stderr, boolean stdoutTruncated, boolean stderrTruncated) {
    this.stdout = stdout;
    this.stderr = stderr;
    this.stdoutTruncated = stdoutTruncated;
    this.stderrTruncated = stderrTruncated;
  }

  /** Standard output. */
  public String stdout() {
    return stdout;
  }

  /** Standard error. */
  public String stderr() {
    return stderr;
  }

  /** Whether stdout went beyond the limit and was cut. */
  public boolean stdoutTruncated() {
    return stdoutTruncated;
  }

  /** Whether stderr went beyond the limit and was cut. */
  public boolean stderrTruncated() {
    return stderrTruncated;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof ContainerLogs)) {
      return false;
    }
    ContainerLogs that = (ContainerLogs) o;
    return java.util.Objects.equals(stdout, that.stdout) && java.util.Objects.equals(stderr, that.stderr)
        && stdoutTruncated == that.stdoutTruncated && stderrTruncated == that.stderrTruncated;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(stdout, stderr, stdoutTruncated, stderrTruncated);
  }

  /** {@code ContainerLogs[stdout=..., stderr=..., ...]}, as a record shows itself. */
  @Override
  public String toString() {
    return "ContainerLogs[stdout=" + stdout + ", stderr=" + stderr + ", stdoutTruncated=" + stdoutTruncated
        + ", stderrTruncated=" + stderrTruncated + "]";
  }
}
