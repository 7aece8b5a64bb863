package dev.carapace.core;

import java.util.Optional;

/**
 * A container could not be launched or managed. Names the image, the step that failed and, when the
 * daemon refused, the daemon's own words; the docker-java failure is the cause.
 *
 * <pre>
 * create of carapace-test/busybox:1 failed: daemon said: failed to initialize logging driver: journald is not enabled on this host
 * </pre>
 *
 * <p>When this is thrown, the container (if one was created) has already been removed.
 */
public class LaunchException extends CarapaceException {
  private static final long serialVersionUID = 1L;

  /** The step of a container's life that failed. */
  public enum Step {
    PULL, CREATE, VERIFY, START, WAIT, LOGS, STATS, INSPECT, STOP, REMOVE, CLEANUP,
    /** {@link RunningContainer#exec}. */
    EXEC,
    /** {@link RunningContainer#copyInto} and {@link RunningContainer#copyFrom}. */
    COPY;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Step step;
  private final String image;
  private final String containerId;
  private final String daemonMessage;

  public LaunchException(Step step, String image, String containerId, String detail,
      String daemonMessage, Throwable cause) {
    super(message(step, image, containerId, detail, daemonMessage), cause);
    this.step = step;
    this.image = image;
    this.containerId = containerId;
    this.daemonMessage = daemonMessage;
  }

  private static String message(Step step, String image, String containerId, String detail,
      String daemonMessage) {
    StringBuilder sb = new StringBuilder().append(step).append(" of ").append(image);
    if (containerId != null) {
      sb.append(" (container ").append(containerId, 0, Math.min(12, containerId.length())).append(')');
    }
    sb.append(" failed");
    if (detail != null) {
      sb.append(": ").append(detail);
    }
    if (daemonMessage != null) {
      sb.append(": daemon said: ").append(daemonMessage);
    }
    return sb.toString();
  }

  public Step step() {
    return step;
  }

  public String image() {
    return image;
  }

  /** The container's id, when one had been created. */
  public Optional<String> containerId() {
    return Optional.ofNullable(containerId);
  }

  /** The daemon's own message, when the daemon answered with a refusal. */
  public Optional<String> daemonMessage() {
    return Optional.ofNullable(daemonMessage);
  }
}
