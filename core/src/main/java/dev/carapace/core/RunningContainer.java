package dev.carapace.core;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.carapace.core.LaunchException.Step;
import dev.carapace.core.internal.EngineSession;
import dev.carapace.core.internal.EngineStats;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A container started by {@link ContainerLauncher#launch}: wait for it, read its logs and stats,
 * stop it, remove it. {@link #close()} removes it (killing it if it still runs) and is idempotent, so
 * try-with-resources never leaks one.
 *
 * <pre>{@code
 * try (RunningContainer c = launcher.launch(spec)) {
 *   ContainerStats s = c.stats();
 *   c.stop(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <p>Every call goes through the launcher's engine session, within its deadlines: the response
 * timeout for inspect, stop and remove, the stream timeout for logs and stats, the caller's own
 * timeout for {@link #awaitExit}. Closing the launcher removes the containers whose handles were not
 * closed.
 */
public final class RunningContainer implements AutoCloseable {
  private final EngineSession session;
  private final String id;
  private final SecureContainerSpec spec;
  private final AtomicBoolean removed = new AtomicBoolean();

  RunningContainer(EngineSession session, String id, SecureContainerSpec spec) {
    this.session = session;
    this.id = id;
    this.spec = spec;
  }

  /** The container's full id. */
  public String id() {
    return id;
  }

  /** The spec it was launched from. */
  public SecureContainerSpec spec() {
    return spec;
  }

  /**
   * Waits at most {@code timeout} for the container to exit.
   *
   * @return its exit code, or empty when it still runs after {@code timeout}
   */
  public OptionalInt awaitExit(Duration timeout) {
    try (WaitContainerResultCallback cb = session.streaming().waitContainerCmd(id)
        .exec(new WaitContainerResultCallback())) {
      Integer code = cb.awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return code == null ? OptionalInt.empty() : OptionalInt.of(code);
    } catch (com.github.dockerjava.api.exception.DockerClientException e) {
      // docker-java's "Awaiting status code timeout."
      if (String.valueOf(e.getMessage()).contains("timeout")) {
        return OptionalInt.empty();
      }
      throw session.fail(Step.WAIT, spec.image(), id, e);
    } catch (java.io.IOException e) {
      throw new LaunchException(Step.WAIT, spec.image(), id, "closing the wait stream", null, e);
    } catch (RuntimeException e) {
      throw session.fail(Step.WAIT, spec.image(), id, e);
    }
  }

  /** The output so far, stdout and stderr apart ({@code docker logs}). */
  public ContainerLogs logs() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ResultCallback.Adapter<Frame> cb = new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame frame) {
        byte[] payload = frame.getPayload();
        if (payload == null) {
          return;
        }
        synchronized (this) {
          (frame.getStreamType() == StreamType.STDERR ? err : out).write(payload, 0, payload.length);
        }
      }
    };
    awaitStream(Step.LOGS, "log", cb, () -> session.streaming().logContainerCmd(id)
        .withStdOut(true).withStdErr(true).withFollowStream(false).exec(cb));
    synchronized (cb) {
      return new ContainerLogs(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * One sample of CPU, memory, pids, network and block I/O use, read at once from the cgroups
   * ({@code docker stats --no-stream}'s numbers; the engine's one-shot read, API 1.41).
   */
  public ContainerStats stats() {
    try {
      return EngineStats.parse(session.statsRaw(id));
    } catch (RuntimeException e) {
      throw session.fail(Step.STATS, spec.image(), id, e);
    }
  }

  /**
   * Starts a finite stream ({@code start} hands {@code cb} to docker-java) and waits for its end,
   * at most the launcher's stream timeout.
   */
  private void awaitStream(Step step, String what, ResultCallback.Adapter<?> cb, Runnable start) {
    try {
      start.run();
      if (!cb.awaitCompletion(session.streamTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        cb.close();
        throw new LaunchException(step, spec.image(), id,
            what + " not read within " + session.streamTimeout(), null, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LaunchException(step, spec.image(), id, "interrupted", null, e);
    } catch (java.io.IOException e) {
      throw new LaunchException(step, spec.image(), id, "closing the " + what + " stream", null, e);
    } catch (RuntimeException e) {
      throw session.fail(step, spec.image(), id, e);
    }
  }

  /** The health status the engine reports ({@code starting}, {@code healthy}, {@code unhealthy}), if it has a check. */
  public Optional<String> healthStatus() {
    InspectContainerResponse r = inspect();
    return r.getState() == null || r.getState().getHealth() == null ? Optional.empty()
        : Optional.ofNullable(r.getState().getHealth().getStatus());
  }

  /** Whether the container's main process runs. */
  public boolean isRunning() {
    InspectContainerResponse r = inspect();
    return r.getState() != null && Boolean.TRUE.equals(r.getState().getRunning());
  }

  private InspectContainerResponse inspect() {
    return session.call(Step.INSPECT, spec.image(), id, () -> session.api().inspectContainerCmd(id).exec());
  }

  /**
   * Sends the stop signal, waits at most {@code timeout}, then kills ({@code docker stop -t}). A
   * stopped container is fine.
   */
  public void stop(Duration timeout) {
    try {
      session.bounded(session.responseTimeout().plus(timeout),
          () -> session.api().stopContainerCmd(id).withTimeout((int) Math.max(0, timeout.toSeconds())).exec());
    } catch (NotModifiedException e) {
      // already stopped
    } catch (RuntimeException e) {
      throw session.fail(Step.STOP, spec.image(), id, e);
    }
  }

  /** Removes the container, killing it if it runs. Idempotent. */
  public void remove() {
    if (removed.compareAndSet(false, true)) {
      try {
        session.remove(id);
      } catch (RuntimeException e) {
        removed.set(false);
        throw session.fail(Step.REMOVE, spec.image(), id, e);
      }
    }
  }

  /** Same as {@link #remove()}. */
  @Override
  public void close() {
    remove();
  }

  @Override
  public String toString() {
    return "RunningContainer{" + id.substring(0, Math.min(12, id.length())) + " " + spec.image() + "}";
  }
}
