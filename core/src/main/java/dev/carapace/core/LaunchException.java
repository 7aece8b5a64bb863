package dev.carapace.core;

/**
 * A container could not be got running: its image pull, its create request (or a check before it),
 * the verification of the daemon's record, or its start failed. Names the image, the
 * {@linkplain #step() step} and, when the daemon refused, the daemon's own words; the docker-java
 * failure is the cause.
 *
 * <pre>
 * create of carapace-test/busybox:1 failed: daemon said: failed to initialize logging driver: journald is not enabled on this host
 * </pre>
 *
 * <p>When this is thrown, the container (if one was created) has already been removed. An operation on
 * a container that runs fails with a {@link ContainerOperationException} instead.
 */
public class LaunchException extends EngineException {
  private static final long serialVersionUID = 1L;

  LaunchException(Step step, String image, String containerId, String detail, String daemonMessage,
      Throwable cause) {
    super(step, image, containerId, detail, daemonMessage, cause);
  }
}
