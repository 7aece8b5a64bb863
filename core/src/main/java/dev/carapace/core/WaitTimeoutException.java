package dev.carapace.core;

import java.time.Duration;

/**
 * A wait on a running container ({@link RunningContainer#await}) did not succeed within its timeout;
 * the container still runs (or, for {@link Wait#exited()}, still has not exited). Says what the wait
 * saw last.
 *
 * <pre>
 * container 0123456789ab (carapace-test/busybox:1) must be healthy within 2s: last health status unhealthy, last check exit code 1, output "not ready"
 * container 0123456789ab (carapace-test/busybox:1) port 8080/tcp must accept a connection on 127.0.0.1:32768 within 2s: last attempt: Connection refused
 * </pre>
 */
public class WaitTimeoutException extends WaitException {
  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  WaitTimeoutException(String containerId, String image, String what, String lastSeen, Duration timeout) {
    super(containerId, image, what, lastSeen, null);
    this.timeout = timeout;
  }

  /** The timeout that passed. */
  public Duration timeout() {
    return timeout;
  }
}
