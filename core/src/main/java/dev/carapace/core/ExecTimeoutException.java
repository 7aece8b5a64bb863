package dev.carapace.core;

import java.time.Duration;
import java.util.List;

/**
 * A command run by {@link RunningContainer#exec} did not exit within its timeout. The message names
 * the command (never its environment) and shows the start of what it wrote so far; the accessors give
 * all of it, within the output limit.
 *
 * <p><b>The process may still run:</b> the Docker Engine API has no call to stop an exec'd process
 * (only its container). Carapace closes the output stream; the process ends when it exits on its own or
 * when the container stops. {@link #stillRunning()} says what the engine reported just after the timeout.
 */
public class ExecTimeoutException extends ContainerOperationException {
  private static final long serialVersionUID = 1L;
  private static final int SHOWN = 200;

  private final List<String> command;
  private final Duration timeout;
  private final String stdoutSoFar;
  private final String stderrSoFar;
  private final boolean stillRunning;

  ExecTimeoutException(String image, String containerId, List<String> command, Duration timeout,
      String stdoutSoFar, String stderrSoFar, boolean stillRunning) {
    super(Step.EXEC, image, containerId, "exec command must exit within " + timeout + ": " + command
        + " still ran (stdout so far: " + shown(stdoutSoFar) + "; stderr so far: " + shown(stderrSoFar) + ")"
        + (stillRunning ? "; the process still runs: the engine cannot stop an exec, it ends with the container"
            : ""), null, null);
    this.command = List.copyOf(command);
    this.timeout = timeout;
    this.stdoutSoFar = stdoutSoFar;
    this.stderrSoFar = stderrSoFar;
    this.stillRunning = stillRunning;
  }

  private static String shown(String s) {
    String cut = s.length() > SHOWN ? s.substring(0, SHOWN) + "..." : s;
    return "\"" + cut.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\"", "\\\"") + "\""
        + (s.length() > SHOWN ? " (" + s.length() + " chars)" : "");
  }

  /** The argv that timed out. */
  public List<String> command() {
    return command;
  }

  public Duration timeout() {
    return timeout;
  }

  /** Everything the command wrote to stdout before the timeout, within the output limit. */
  public String stdoutSoFar() {
    return stdoutSoFar;
  }

  /** Everything the command wrote to stderr before the timeout, within the output limit. */
  public String stderrSoFar() {
    return stderrSoFar;
  }

  /** Whether the engine still reported the process running just after the timeout. */
  public boolean stillRunning() {
    return stillRunning;
  }
}
