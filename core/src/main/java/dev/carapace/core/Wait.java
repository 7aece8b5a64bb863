package dev.carapace.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A condition a running container is awaited for with {@link RunningContainer#await(Wait,
 * java.time.Duration)}: healthy, a log line, a port that accepts, the exit. A container that exits
 * while awaited for anything else fails the wait at once, naming its exit code; a wait that times
 * out says what it saw last.
 *
 * <pre>{@code
 * container.await(Wait.portAccepts(8080), Duration.ofSeconds(30));
 * container.await(Wait.logLine(Pattern.compile("started in \\d+ ms")), Duration.ofSeconds(30));
 * }</pre>
 */
public final class Wait {
  enum Kind { HEALTHY, LOG_LINE, PORT, EXITED }

  private final Kind kind;
  private final Pattern pattern;
  private final int port;

  private Wait(Kind kind, Pattern pattern, int port) {
    this.kind = kind;
    this.pattern = pattern;
    this.port = port;
  }

  /**
   * Until the engine reports the container {@code healthy} (its health check: the spec's
   * {@link SecureContainerSpec.Builder#healthCheck}, else the image's {@code HEALTHCHECK}). A
   * container without a health check fails the wait at once.
   */
  public static Wait healthy() {
    return new Wait(Kind.HEALTHY, null, 0);
  }

  /**
   * Until a line of stdout or stderr, printed before or during the wait, contains a match of
   * {@code pattern} ({@link java.util.regex.Matcher#find()}; anchor it with {@code ^...$} for a
   * whole line).
   */
  public static Wait logLine(Pattern pattern) {
    return new Wait(Kind.LOG_LINE, Objects.requireNonNull(pattern, "log line pattern"), 0);
  }

  /**
   * Until a TCP connection to the host address the engine published {@code containerPort} on is
   * accepted and not closed at once (the engine's proxy accepts, then closes, while nothing listens
   * in the container). Only loopback is ever connected to: a port published on every interface is
   * reached on {@code 127.0.0.1} (or {@code ::1}); one published on another address fails the wait.
   *
   * @throws IllegalArgumentException when {@code containerPort} is not 1-65535
   */
  public static Wait portAccepts(int containerPort) {
    if (containerPort < 1 || containerPort > 65535) {
      throw new IllegalArgumentException("wait port must be between 1 and 65535: " + containerPort);
    }
    return new Wait(Kind.PORT, null, containerPort);
  }

  /** Until the container's main process exited, whatever its code. */
  public static Wait exited() {
    return new Wait(Kind.EXITED, null, 0);
  }

  Kind kind() {
    return kind;
  }

  Pattern pattern() {
    return pattern;
  }

  int port() {
    return port;
  }

  /** {@code healthy}, {@code log line matching "..."}, {@code port 8080/tcp accepts}, {@code exited}. */
  @Override
  public String toString() {
    switch (kind) {
      case HEALTHY:
        return "healthy";
      case LOG_LINE:
        return "log line matching " + WaitException.quote(pattern.pattern());
      case PORT:
        return "port " + port + "/tcp accepts";
      default:
        return "exited";
    }
  }
}
