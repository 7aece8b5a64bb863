package dev.carapace.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the engine checks the container is healthy, as {@code docker run --health-cmd} and its
 * {@code --health-*} flags, or a Dockerfile {@code HEALTHCHECK}.
 *
 * <pre>{@code
 * HealthCheck.exec("wget", "-q", "-O-", "http://127.0.0.1/").interval(Duration.ofSeconds(1));
 * HealthCheck.shell("test -f /tmp/ready");
 * }</pre>
 *
 * @param test Docker's form: {@code ["CMD", argv...]} or {@code ["CMD-SHELL", command]}; the command
 *     or the program must not be empty ({@code sh -c ""} would be healthy whatever the container does)
 * @param interval time between checks (Docker's default 30 s)
 * @param timeout how long one check may take (default 30 s)
 * @param startPeriod grace time after start (default 0)
 * @param retries consecutive failures before unhealthy (default 3)
 */
public record HealthCheck(List<String> test, Duration interval, Duration timeout,
    Duration startPeriod, int retries) {
  public HealthCheck {
    Objects.requireNonNull(test, "health test must not be null");
    test = List.copyOf(test);
    Objects.requireNonNull(interval, "health interval");
    Objects.requireNonNull(timeout, "health timeout");
    Objects.requireNonNull(startPeriod, "health start period");
    if (test.size() < 2 || !(test.get(0).equals("CMD") || test.get(0).equals("CMD-SHELL"))) {
      throw new IllegalArgumentException("health test must be CMD with arguments or CMD-SHELL with a command: "
          + test);
    }
    if (test.get(0).equals("CMD-SHELL") && test.size() != 2) {
      throw new IllegalArgumentException("health test CMD-SHELL takes one command: " + test);
    }
    if (test.get(1).isEmpty()) {
      // CMD-SHELL "" runs sh -c "", which exits 0: healthy whatever the container does; CMD "" cannot start
      throw new IllegalArgumentException("health command must not be empty: " + test.get(0) + " \"\""
          + " (leave healthCheck unset for the image's HEALTHCHECK)");
    }
    checkDuration("health interval", interval);
    checkDuration("health timeout", timeout);
    if (startPeriod.isNegative()) {
      throw new IllegalArgumentException("health start period must not be negative: " + startPeriod);
    }
    if (retries < 0) {
      throw new IllegalArgumentException("health retries must not be negative: " + retries);
    }
  }

  private static void checkDuration(String attribute, Duration d) {
    // the engine refuses intervals and timeouts under 1 ms
    if (d.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException(attribute + " must be at least 1ms: " + d);
    }
  }

  /** Runs {@code argv} directly (Docker's {@code CMD} form), with Docker's default timings. */
  public static HealthCheck exec(String... argv) {
    Objects.requireNonNull(argv, "health command must not be null");
    for (String w : argv) {
      Objects.requireNonNull(w, "health command must not contain null");
    }
    List<String> t = new java.util.ArrayList<>();
    t.add("CMD");
    t.addAll(List.of(argv));
    return new HealthCheck(t, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ZERO, 3);
  }

  /** Runs {@code command} with {@code /bin/sh -c} (Docker's {@code CMD-SHELL} form, {@code --health-cmd}). */
  public static HealthCheck shell(String command) {
    Objects.requireNonNull(command, "health command must not be null");
    return new HealthCheck(List.of("CMD-SHELL", command), Duration.ofSeconds(30),
        Duration.ofSeconds(30), Duration.ZERO, 3);
  }

  /** A copy with this interval ({@code --health-interval}). */
  public HealthCheck interval(Duration value) {
    return new HealthCheck(test, value, timeout, startPeriod, retries);
  }

  /** A copy with this timeout ({@code --health-timeout}). */
  public HealthCheck timeout(Duration value) {
    return new HealthCheck(test, interval, value, startPeriod, retries);
  }

  /** A copy with this start period ({@code --health-start-period}). */
  public HealthCheck startPeriod(Duration value) {
    return new HealthCheck(test, interval, timeout, value, retries);
  }

  /** A copy with this retry count ({@code --health-retries}). */
  public HealthCheck retries(int value) {
    return new HealthCheck(test, interval, timeout, startPeriod, value);
  }
}
