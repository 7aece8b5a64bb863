package dev.carapace.core;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A wait on a running container ({@link RunningContainer#await}) cannot succeed: the container
 * exited first (the message names its exit code), or what it waits for cannot happen (no health
 * check, a port not published on loopback). Says what the wait saw last. Its {@link #step()} is
 * {@code wait} and its {@link #containerId()} always present.
 *
 * <pre>
 * container 0123456789ab (carapace-test/busybox:1) exited with code 3 before it was healthy: last health status starting, no check finished yet
 * </pre>
 */
public class WaitException extends ContainerOperationException {
  private static final long serialVersionUID = 1L;

  private final String lastSeen;
  private final Integer exitCode;

  WaitException(String containerId, String image, String what, String lastSeen, Integer exitCode) {
    super(prefix(containerId, image) + " " + what + (lastSeen == null ? "" : ": " + lastSeen), Step.WAIT, image,
        containerId, null);
    this.lastSeen = lastSeen;
    this.exitCode = exitCode;
  }

  static String prefix(String containerId, String image) {
    return "container " + containerId.substring(0, Math.min(12, containerId.length())) + " (" + image + ")";
  }

  /** What the wait saw last (health status and check output, lines, connect error, state), as in the message. */
  public Optional<String> lastSeen() {
    return Optional.ofNullable(lastSeen);
  }

  /** The container's exit code, when it exited while awaited. */
  public OptionalInt exitCode() {
    return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
  }

  /** {@code s} in double quotes, {@code "} and {@code \} escaped, control characters as {@code \n} or {@code \\uXXXX}. */
  static String quote(String s) {
    return dev.carapace.core.internal.io.Strings.quote(s);
  }
}
