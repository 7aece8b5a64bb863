package dev.carapace.core;

import java.time.Duration;

/**
 * What a container that ran to completion left: its exit code and its output, stdout and stderr
 * apart, as {@code docker run --rm} shows them. Each stream keeps at most 1 MiB; the rest was read and
 * dropped, which the {@code *Truncated} flags say.
 */
public final class RunResult {
  private final String containerId;
  private final int exitCode;
  private final String stdout;
  private final String stderr;
  private final Duration elapsed;
  private final boolean stdoutTruncated;
  private final boolean stderrTruncated;

  RunResult(String containerId, int exitCode, String stdout, String stderr, Duration elapsed,
      boolean stdoutTruncated, boolean stderrTruncated) {
    this.containerId = containerId;
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
    this.elapsed = elapsed;
    this.stdoutTruncated = stdoutTruncated;
    this.stderrTruncated = stderrTruncated;
  }

  /** The (now removed) container's id. */
  public String containerId() {
    return containerId;
  }

  /** The main process's exit code. */
  public int exitCode() {
    return exitCode;
  }

  /** What it wrote to standard output. */
  public String stdout() {
    return stdout;
  }

  /** What it wrote to standard error. */
  public String stderr() {
    return stderr;
  }

  /** From the create request to the exit. */
  public Duration elapsed() {
    return elapsed;
  }

  /** Whether stdout went beyond 1 MiB and was cut. */
  public boolean stdoutTruncated() {
    return stdoutTruncated;
  }

  /** Whether stderr went beyond 1 MiB and was cut. */
  public boolean stderrTruncated() {
    return stderrTruncated;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof RunResult)) {
      return false;
    }
    RunResult that = (RunResult) o;
    return java.util.Objects.equals(containerId, that.containerId) && exitCode == that.exitCode
        && java.util.Objects.equals(stdout, that.stdout) && java.util.Objects.equals(stderr, that.stderr)
        && java.util.Objects.equals(elapsed, that.elapsed) && stdoutTruncated == that.stdoutTruncated
        && stderrTruncated == that.stderrTruncated;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(containerId, exitCode, stdout, stderr, elapsed, stdoutTruncated, stderrTruncated);
  }

  /** {@code RunResult[containerId=..., exitCode=..., ...]}, as a record shows itself. */
  @Override
  public String toString() {
    return "RunResult[containerId=" + containerId + ", exitCode=" + exitCode + ", stdout=" + stdout
        + ", stderr=" + stderr + ", elapsed=" + elapsed + ", stdoutTruncated=" + stdoutTruncated
        + ", stderrTruncated=" + stderrTruncated + "]";
  }
}
