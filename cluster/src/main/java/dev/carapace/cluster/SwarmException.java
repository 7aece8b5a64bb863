package dev.carapace.cluster;

import dev.carapace.CarapaceException;
import java.util.Locale;
import java.util.Optional;

/**
 * A Swarm service could not be deployed or managed. Names the service, the step that failed and,
 * when the engine or a task said why, its own words:
 *
 * <pre>
 * wait of service web failed: task web.1 (tkr7l2c8x1bq) rejected: No such image: carapace-test/nope:1
 * </pre>
 *
 * <p>When a deploy throws this, the service (if one was created) has already been removed.
 */
public final class SwarmException extends CarapaceException {
  private static final long serialVersionUID = 1L;

  /** The step of a service's life that failed. */
  public enum Step {
    VERSION, CREATE, VERIFY, WAIT, TASKS, LOGS, SCALE, REMOVE, CLEANUP;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Step step;
  private final String service;
  private final String daemonMessage;

  SwarmException(Step step, String service, String detail, String daemonMessage, Throwable cause) {
    super(step + " of service " + service + " failed" + (detail == null ? "" : ": " + detail)
        + (daemonMessage == null ? "" : ": daemon said: " + daemonMessage), cause);
    this.step = step;
    this.service = service;
    this.daemonMessage = daemonMessage;
  }

  public Step step() {
    return step;
  }

  /** The service's name, or {@code *} for a call about every service. */
  public String service() {
    return service;
  }

  /** The engine's own message, when it answered with a refusal. */
  public Optional<String> daemonMessage() {
    return Optional.ofNullable(daemonMessage);
  }
}
