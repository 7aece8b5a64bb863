package dev.carapace.core;

import dev.carapace.CarapaceException;
import java.util.Locale;
import java.util.Optional;

/**
 * A call to a Docker Engine failed. Names the step, the image (or, for a network or an engine-wide
 * call, what the call was about), the container when there was one and, when the engine refused, the
 * engine's own words; the underlying failure is the cause.
 *
 * <pre>
 * create of carapace-test/busybox:1 failed: daemon said: failed to initialize logging driver: journald is not enabled on this host
 * exec of carapace-test/busybox:1 (container 0123456789ab) failed: interrupted
 * </pre>
 *
 * <p>Which subclass is thrown follows the {@link Step}: getting a container running ({@code pull},
 * {@code create}, {@code verify}, {@code start}) fails with a {@link LaunchException}; an operation on a
 * created container ({@code wait}, {@code logs}, {@code exec}, {@code copy}, {@code stop}...) with a
 * {@link ContainerOperationException}; a proxy that refuses the credentials, at any step, with an
 * {@link EngineAuthenticationException}.
 */
public abstract class EngineException extends CarapaceException {
  private static final long serialVersionUID = 1L;

  /** The step of a container's life that failed. */
  public enum Step {
    /** The image pull ({@code docker pull}); a {@link LaunchException}. */
    PULL,
    /** The create request, and the checks before it; a {@link LaunchException}. */
    CREATE,
    /** The comparison of the daemon's record with the request; a {@link LaunchException}. */
    VERIFY,
    /** The start request; a {@link LaunchException}. */
    START,
    /** {@link RunningContainer#await} and the wait for the exit; a {@link ContainerOperationException}. */
    WAIT,
    /** Reading a container's logs; a {@link ContainerOperationException}. */
    LOGS,
    /** Reading a container's statistics; a {@link ContainerOperationException}. */
    STATS,
    /** Inspecting a container; a {@link ContainerOperationException}. */
    INSPECT,
    /** Stopping a container; a {@link ContainerOperationException}. */
    STOP,
    /** Removing a container or a network; a {@link ContainerOperationException}. */
    REMOVE,
    /** Removing what a launcher left behind; a {@link ContainerOperationException}. */
    CLEANUP,
    /** {@link RunningContainer#exec}; a {@link ContainerOperationException}. */
    EXEC,
    /** {@link RunningContainer#copyInto} and {@link RunningContainer#copyFrom}; a {@link ContainerOperationException}. */
    COPY,
    /**
     * {@link RunningContainer#restart}: stop, the record verified again, start; a
     * {@link ContainerOperationException}.
     */
    RESTART,
    /** {@link RunningContainer#pause}; a {@link ContainerOperationException}. */
    PAUSE,
    /** {@link RunningContainer#unpause}; a {@link ContainerOperationException}. */
    UNPAUSE,
    /** {@link RunningContainer#kill}; a {@link ContainerOperationException}. */
    KILL;

    /** Whether this step gets a container running, so that its failure is a {@link LaunchException}. */
    boolean launches() {
      return this == PULL || this == CREATE || this == VERIFY || this == START;
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Step step;
  private final String image;
  private final String containerId;
  private final String daemonMessage;

  EngineException(Step step, String image, String containerId, String detail, String daemonMessage,
      Throwable cause) {
    this(message(step, image, containerId, detail, daemonMessage), step, image, containerId, daemonMessage, cause);
  }

  /** For a subclass with its own message. */
  EngineException(String message, Step step, String image, String containerId, String daemonMessage,
      Throwable cause) {
    super(message, cause);
    this.step = step;
    this.image = image;
    this.containerId = containerId;
    this.daemonMessage = daemonMessage;
  }

  /**
   * A {@link LaunchException} for a step that gets a container running, a
   * {@link ContainerOperationException} for any other step.
   */
  static EngineException of(Step step, String image, String containerId, String detail, String daemonMessage,
      Throwable cause) {
    return step.launches() ? new LaunchException(step, image, containerId, detail, daemonMessage, cause)
        : new ContainerOperationException(step, image, containerId, detail, daemonMessage, cause);
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

  /** The step that failed. */
  public Step step() {
    return step;
  }

  /** The image, or what an engine call that is not about one image was about ({@code *}, a network). */
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
