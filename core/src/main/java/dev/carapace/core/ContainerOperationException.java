package dev.carapace.core;

/**
 * An operation on a created container failed: waiting for it, reading its logs or statistics,
 * inspecting it, running a command in it, copying files, stopping or removing it, or removing what a
 * launcher left. Names the step, the image, the container and, when the daemon refused, the daemon's
 * own words; the docker-java failure is the cause.
 *
 * <pre>
 * copy of carapace-test/busybox:1 (container 0123456789ab) failed: copy source must exist in the container: /nope
 * </pre>
 *
 * <p>The container is left as it was: closing its {@link RunningContainer} still removes it.
 */
public class ContainerOperationException extends EngineException {
  private static final long serialVersionUID = 1L;

  ContainerOperationException(Step step, String image, String containerId, String detail, String daemonMessage,
      Throwable cause) {
    super(step, image, containerId, detail, daemonMessage, cause);
  }

  /** For a subclass with its own message. */
  ContainerOperationException(String message, Step step, String image, String containerId, Throwable cause) {
    super(message, step, image, containerId, null, cause);
  }
}
