package dev.carapace.core.internal.engine;

import com.github.dockerjava.api.command.ExecCreateCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.exception.ConflictException;
import dev.carapace.core.ExecResult;
import dev.carapace.core.ExecSpec;
import dev.carapace.core.EngineException;
import dev.carapace.core.EngineException.Step;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.internal.values.CoreAccess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an {@link ExecSpec} in a container: {@code POST /containers/{id}/exec} (never privileged, no
 * TTY, no stdin), {@code POST /exec/{id}/start} attached, then {@code GET /exec/{id}/json} for the
 * exit code, which also confirms the engine did not run it privileged. Three requests, as
 * {@code docker exec} and raw docker-java make; a refusal because the container is not running costs
 * one more (an inspect, to say its state).
 */
public final class ContainerExec {
  private ContainerExec() {}

  public static ExecResult run(EngineSession session, String containerId, SecureContainerSpec spec, ExecSpec exec) {
    String image = spec.image();
    Duration timeout = exec.timeout().orElse(session.streamTimeout());
    long t0 = System.nanoTime();
    String execId = create(session, containerId, spec, exec);
    FrameCollector cb = new FrameCollector((int) exec.outputLimit().bytes());
    try {
      session.streaming().execStartCmd(execId).withDetach(false).withTty(false).exec(cb);
      if (!cb.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        cb.close();
        boolean running = true;
        try {
          running = !Boolean.FALSE.equals(session.bounded(() -> session.api().inspectExecCmd(execId).exec()).isRunning());
        } catch (RuntimeException e) {
          // the timeout is the news; whether it still runs stays unknown (reported as running)
        }
        throw CoreAccess.get().execTimeout(image, containerId, exec.command(), timeout, cb.stdout(), cb.stderr(),
            running);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CoreAccess.get().engineFailure(Step.EXEC, image, containerId, "interrupted", null, e);
    } catch (IOException e) {
      throw CoreAccess.get().engineFailure(Step.EXEC, image, containerId, "closing the exec stream", null, e);
    } catch (EngineException e) {
      throw e;
    } catch (RuntimeException e) {
      throw session.fail(Step.EXEC, image, containerId, e);
    }
    InspectExecResponse done = finished(session, image, containerId, execId);
    if (done.getProcessConfig() != null && Boolean.TRUE.equals(done.getProcessConfig().isPrivileged())) {
      throw CoreAccess.get().engineFailure(Step.EXEC, image, containerId,
          "exec privileged must be false: true (the engine ran it privileged though Carapace asked not to)", null, null);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
    return CoreAccess.get().execResult(done.getExitCodeLong().intValue(), cb.stdout(), cb.stderr(), elapsed,
        cb.stdoutTruncated(), cb.stderrTruncated());
  }

  private static String create(EngineSession session, String containerId, SecureContainerSpec spec, ExecSpec exec) {
    List<String> env = new ArrayList<>(exec.env().size());
    for (Map.Entry<String, String> e : exec.env().entrySet()) {
      env.add(e.getKey() + "=" + e.getValue());
    }
    String user = exec.user().or(spec::user).orElse(null);
    try {
      return session.bounded(() -> {
        ExecCreateCmd cmd = session.api().execCreateCmd(containerId)
            .withCmd(exec.command().toArray(new String[0]))
            .withAttachStdin(false).withAttachStdout(true).withAttachStderr(true)
            .withTty(false)
            .withPrivileged(false);
        if (!env.isEmpty()) {
          cmd.withEnv(env);
        }
        if (user != null) {
          cmd.withUser(user);
        }
        exec.workingDir().ifPresent(dir -> cmd.withWorkingDir(dir.toString()));
        return cmd.exec().getId();
      });
    } catch (ConflictException e) {
      // 409: "Container <id> is not running", "Container <id> is paused, unpause the container before exec"
      throw CoreAccess.get().engineFailure(Step.EXEC, spec.image(), containerId,
          "container state must be running for exec: " + state(session, containerId)
              + " (exec runs only in a running container; launch a new one)",
          DaemonErrors.daemonMessage(e), e);
    } catch (RuntimeException e) {
      throw session.fail(Step.EXEC, spec.image(), containerId, e);
    }
  }

  /** The container's state as the engine says it: {@code exited (exit code 0)}, {@code paused}. */
  private static String state(EngineSession session, String containerId) {
    try {
      InspectContainerResponse r = session.bounded(() -> session.api().inspectContainerCmd(containerId).exec());
      InspectContainerResponse.ContainerState s = r.getState();
      if (s == null || s.getStatus() == null) {
        return "unknown";
      }
      return "exited".equals(s.getStatus()) && s.getExitCodeLong() != null
          ? "exited (exit code " + s.getExitCodeLong() + ")" : s.getStatus();
    } catch (RuntimeException e) {
      return "not running (the engine said so; its state could not be read)";
    }
  }

  /**
   * The exec's record once its exit code is set. The attached stream ends when the process's output
   * closes, a moment before the engine records the exit: ask again, briefly, within the response timeout.
   */
  private static InspectExecResponse finished(EngineSession session, String image, String containerId, String execId) {
    long deadline = System.nanoTime() + session.responseTimeout().toNanos();
    long pause = 2;
    while (true) {
      InspectExecResponse r = session.call(Step.EXEC, image, containerId,
          () -> session.api().inspectExecCmd(execId).exec());
      if (!Boolean.TRUE.equals(r.isRunning()) && r.getExitCodeLong() != null) {
        return r;
      }
      if (System.nanoTime() > deadline) {
        throw CoreAccess.get().engineFailure(Step.EXEC, image, containerId, "exec exit code must be recorded within "
            + session.responseTimeout() + ": still running after its output closed", null, null);
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw CoreAccess.get().engineFailure(Step.EXEC, image, containerId, "interrupted", null, e);
      }
      pause = Math.min(50, pause * 2);
    }
  }
}
