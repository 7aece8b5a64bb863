package dev.carapace.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A container's state as the engine reported it at one moment ({@code docker inspect}'s
 * {@code State}): read afresh by each {@link RunningContainer#state()}.
 *
 * <pre>{@code
 * container.pause();
 * ContainerState s = container.state();   // s.status() is "paused", s.paused() and s.running() true
 * }</pre>
 *
 * <p>As the engine says it: a paused container is still {@link #running()} (its processes exist,
 * frozen); {@link #exitCode()} is present only once the main process has exited and not been started
 * again.
 */
public final class ContainerState {
  /** The engine's zero time, {@code 0001-01-01T00:00:00Z}: never started, or never finished. */
  private static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  private final String status;
  private final boolean running;
  private final boolean paused;
  private final boolean restarting;
  private final boolean oomKilled;
  private final Integer exitCode;
  private final Instant startedAt;
  private final Instant finishedAt;
  private final String health;

  ContainerState(String status, boolean running, boolean paused, boolean restarting, boolean oomKilled,
      Integer exitCode, Instant startedAt, Instant finishedAt, String health) {
    this.status = Objects.requireNonNull(status, "status");
    this.running = running;
    this.paused = paused;
    this.restarting = restarting;
    this.oomKilled = oomKilled;
    this.exitCode = exitCode;
    this.startedAt = startedAt;
    this.finishedAt = finishedAt;
    this.health = health;
  }

  /** Reads inspect's {@code State} object. */
  static ContainerState read(JsonNode state) {
    String status = state.path("Status").asText("");
    boolean running = state.path("Running").asBoolean(false);
    boolean exited = status.equals("exited") || status.equals("dead");
    JsonNode health = state.path("Health").path("Status");
    String healthStatus = health.isTextual() && !health.asText().isEmpty() && !health.asText().equals("none")
        ? health.asText() : null;
    return new ContainerState(status, running, state.path("Paused").asBoolean(false),
        state.path("Restarting").asBoolean(false), state.path("OOMKilled").asBoolean(false),
        exited && !running ? state.path("ExitCode").asInt() : null, time(state.path("StartedAt")),
        time(state.path("FinishedAt")), healthStatus);
  }

  private static Instant time(JsonNode node) {
    if (!node.isTextual()) {
      return null;
    }
    try {
      Instant t = Instant.parse(node.asText());
      return t.equals(ZERO_TIME) ? null : t;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * The engine's word for it: {@code created}, {@code running}, {@code paused}, {@code restarting},
   * {@code removing}, {@code exited} or {@code dead}.
   */
  public String status() {
    return status;
  }

  /** Whether its main process exists: true while paused too, as the engine reports it. */
  public boolean running() {
    return running;
  }

  /** Whether its processes are frozen ({@code docker pause}). */
  public boolean paused() {
    return paused;
  }

  /** Whether the engine is restarting it under its restart policy. */
  public boolean restarting() {
    return restarting;
  }

  /** Whether the kernel's OOM killer ended a process of it (the engine's {@code OOMKilled}). */
  public boolean oomKilled() {
    return oomKilled;
  }

  /** The main process's exit code once it exited ({@code exited} or {@code dead}); empty before. */
  public OptionalInt exitCode() {
    return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
  }

  /** When its main process last started; empty when it never did. */
  public Optional<Instant> startedAt() {
    return Optional.ofNullable(startedAt);
  }

  /** When its main process last finished; empty when it never did. */
  public Optional<Instant> finishedAt() {
    return Optional.ofNullable(finishedAt);
  }

  /** Its health status ({@code starting}, {@code healthy}, {@code unhealthy}); empty without a health check. */
  public Optional<String> health() {
    return Optional.ofNullable(health);
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof ContainerState)) {
      return false;
    }
    ContainerState that = (ContainerState) o;
    return status.equals(that.status) && running == that.running && paused == that.paused
        && restarting == that.restarting && oomKilled == that.oomKilled && Objects.equals(exitCode, that.exitCode)
        && Objects.equals(startedAt, that.startedAt) && Objects.equals(finishedAt, that.finishedAt)
        && Objects.equals(health, that.health);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, running, paused, restarting, oomKilled, exitCode, startedAt, finishedAt, health);
  }

  /** {@code ContainerState{status=exited, exitCode=3, oomKilled=false, started=..., finished=...}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ContainerState{status=").append(status);
    if (exitCode != null) {
      sb.append(", exitCode=").append(exitCode);
    }
    if (restarting) {
      sb.append(", restarting");
    }
    sb.append(", oomKilled=").append(oomKilled);
    if (health != null) {
      sb.append(", health=").append(health);
    }
    if (startedAt != null) {
      sb.append(", started=").append(startedAt);
    }
    if (finishedAt != null) {
      sb.append(", finished=").append(finishedAt);
    }
    return sb.append('}').toString();
  }
}
