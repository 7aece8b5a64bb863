package dev.carapace.core;

import java.time.Duration;

/**
 * What a command run by {@link RunningContainer#exec} left: its exit code and its output, stdout and
 * stderr apart, as {@code docker exec} shows them. Each stream keeps at most
 * {@link ExecSpec#outputLimit()} bytes (1 MiB by default); the rest was read and dropped, which the
 * {@code *Truncated} flags say.
 */
public final class ExecResult {
  private final int exitCode;
  private final String stdout;
  private final String stderr;
  private final Duration elapsed;
  private final boolean stdoutTruncated;
  private final boolean stderrTruncated;

  ExecResult(int exitCode, String stdout, String stderr, Duration elapsed, boolean stdoutTruncated,
      boolean stderrTruncated) {
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
    this.elapsed = elapsed;
    this.stdoutTruncated = stdoutTruncated;
    this.stderrTruncated = stderrTruncated;
  }

  /** The command's exit code (126 or 127 when the engine could not run it). */
  public int exitCode() {
    return exitCode;
  }

  /** What it wrote to standard output, decoded as UTF-8. */
  public String stdout() {
    return stdout;
  }

  /** What it wrote to standard error, decoded as UTF-8. */
  public String stderr() {
    return stderr;
  }

  /** From the exec's create request to its exit code. */
  public Duration elapsed() {
    return elapsed;
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
    if (!(o instanceof ExecResult)) {
      return false;
    }
    ExecResult that = (ExecResult) o;
    return exitCode == that.exitCode && java.util.Objects.equals(stdout, that.stdout)
        && java.util.Objects.equals(stderr, that.stderr) && java.util.Objects.equals(elapsed, that.elapsed)
        && stdoutTruncated == that.stdoutTruncated && stderrTruncated == that.stderrTruncated;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(exitCode, stdout, stderr, elapsed, stdoutTruncated, stderrTruncated);
  }

  /** {@code ExecResult[exitCode=..., stdout=..., ...]}, as a record shows itself. */
  @Override
  public String toString() {
    return "ExecResult[exitCode=" + exitCode + ", stdout=" + stdout + ", stderr=" + stderr
        + ", elapsed=" + elapsed + ", stdoutTruncated=" + stdoutTruncated
        + ", stderrTruncated=" + stderrTruncated + "]";
  }
}
