package dev.carapace.core;

/**
 * A container's output so far ({@code docker logs}), streams apart. Empty when the log driver keeps
 * nothing readable (none, syslog, journald on engines without dual logging).
 */
public final class ContainerLogs {
  private final String stdout;
  private final String stderr;

  ContainerLogs(String stdout, String stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Standard output. */
  public String stdout() {
    return stdout;
  }

  /** Standard error. */
  public String stderr() {
    return stderr;
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
    return java.util.Objects.equals(stdout, that.stdout) && java.util.Objects.equals(stderr, that.stderr);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(stdout, stderr);
  }

  /** {@code ContainerLogs[stdout=..., stderr=...]}, as a record shows itself. */
  @Override
  public String toString() {
    return "ContainerLogs[stdout=" + stdout + ", stderr=" + stderr + "]";
  }
}
