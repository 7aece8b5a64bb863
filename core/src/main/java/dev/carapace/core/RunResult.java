package dev.carapace.core;

import java.time.Duration;

/**
 * What a container that ran to completion left: its exit code and its output, stdout and stderr
 * apart, as {@code docker run --rm} shows them.
 */
public final class RunResult {
  private final String containerId;
  private final int exitCode;
  private final String stdout;
  private final String stderr;
  private final Duration elapsed;

  RunResult(String containerId, int exitCode, String stdout, String stderr, Duration elapsed) {
    this.containerId = containerId;
    this.exitCode = exitCode;
    this.stdout = stdout;
    this.stderr = stderr;
    this.elapsed = elapsed;
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
        && java.util.Objects.equals(elapsed, that.elapsed);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(containerId, exitCode, stdout, stderr, elapsed);
  }

  /** {@code RunResult[containerId=..., exitCode=..., ...]}, as a record shows itself. */
  @Override
  public String toString() {
    return "RunResult[containerId=" + containerId + ", exitCode=" + exitCode + ", stdout=" + stdout
        + ", stderr=" + stderr + ", elapsed=" + elapsed + "]";
  }
}
