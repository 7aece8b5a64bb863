package dev.carapace.core;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotModifiedException;
import dev.carapace.core.EngineException.Step;
import dev.carapace.core.internal.engine.EngineSession;
import dev.carapace.core.internal.engine.EngineStats;
import dev.carapace.core.internal.engine.FrameCollector;
import dev.carapace.core.internal.fields.RecordedVerifier;
import java.net.URI;
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
      throw new ContainerOperationException(Step.WAIT, spec.image(), id, "closing the wait stream", null, e);
    } catch (RuntimeException e) {
      throw session.fail(Step.WAIT, spec.image(), id, e);
    }
  }

  /**
   * The output so far, stdout and stderr apart ({@code docker logs}), 1 MiB of each kept
   * ({@link ContainerLogs#stdoutTruncated()} says when more was dropped).
   */
  public ContainerLogs logs() {
    return logs(MemorySize.ofBytes(FrameCollector.DEFAULT_LIMIT));
  }

  /**
   * The output so far, stdout and stderr apart ({@code docker logs}), at most {@code limitPerStream}
   * of each kept; the rest is read and dropped ({@link ContainerLogs#stdoutTruncated()}).
   *
   * @throws IllegalArgumentException when {@code limitPerStream} is more than 256 MiB, as for exec
   */
  public ContainerLogs logs(MemorySize limitPerStream) {
    java.util.Objects.requireNonNull(limitPerStream, "log limit");
    if (limitPerStream.bytes() > 256L << 20) {
      throw new IllegalArgumentException("log limit must be at most 256MiB: " + limitPerStream);
    }
    FrameCollector cb = new FrameCollector((int) limitPerStream.bytes());
    awaitStream(Step.LOGS, "log", cb, () -> session.streaming().logContainerCmd(id)
        .withStdOut(true).withStdErr(true).withFollowStream(false).exec(cb));
    return new ContainerLogs(cb.stdout(), cb.stderr(), cb.stdoutTruncated(), cb.stderrTruncated());
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
        throw EngineException.of(step, spec.image(), id,
            what + " not read within " + session.streamTimeout(), null, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw EngineException.of(step, spec.image(), id, "interrupted", null, e);
    } catch (java.io.IOException e) {
      throw EngineException.of(step, spec.image(), id, "closing the " + what + " stream", null, e);
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
    stop(Step.STOP, timeout);
  }

  /** {@link #stop(Duration)}, a failure named as {@code step}. */
  private void stop(Step step, Duration timeout) {
    try {
      session.bounded(session.responseTimeout().plus(timeout),
          () -> session.api().stopContainerCmd(id).withTimeout((int) Math.max(0, timeout.toSeconds())).exec());
    } catch (NotModifiedException e) {
      // already stopped
    } catch (RuntimeException e) {
      throw session.fail(step, spec.image(), id, e);
    }
  }

  /**
   * Stops the container as {@link #stop} does (the stop signal, at most {@code timeout}, then a kill),
   * reads the engine's record again and starts it only when the record still holds everything the
   * launch verified ({@code docker restart}, with the verification of {@link ContainerLauncher#launch}
   * in between). A record changed meanwhile (a {@code docker update} of a limit, say) leaves the
   * container stopped. Its logs, id, name and published ports of fixed host ports stay; a host port
   * the engine chose may change.
   *
   * @throws ContainerOperationException step {@code restart}: the stop, the inspect or the start failed,
   *     or the record no longer holds what was verified (the message names each difference, as
   *     {@link RecordedMismatchException} does; the container stays stopped)
   */
  public void restart(Duration timeout) {
    java.util.Objects.requireNonNull(timeout, "restart timeout");
    stop(Step.RESTART, timeout);
    com.fasterxml.jackson.databind.JsonNode recorded =
        session.call(Step.RESTART, spec.image(), id, () -> session.inspectRaw(id));
    java.util.List<String> mismatches = RecordedVerifier.mismatches(spec, recorded);
    if (!mismatches.isEmpty()) {
      throw new ContainerOperationException(Step.RESTART, spec.image(), id, "the daemon's record no longer holds "
          + "what was verified at launch, so the container was left stopped: " + String.join("; ", mismatches),
          null, null);
    }
    session.call(Step.RESTART, spec.image(), id, () -> session.api().startContainerCmd(id).exec());
  }

  /**
   * Freezes every process of the container in its cgroup ({@code docker pause}): they stay in memory
   * and get no CPU time until {@link #unpause()}. {@link #state()} then says {@code paused}.
   *
   * @throws ContainerOperationException step {@code pause}, naming the container's state, when it is not
   *     running or already paused
   */
  public void pause() {
    lifecycle(Step.PAUSE, "running and not paused", () -> session.api().pauseContainerCmd(id).exec());
  }

  /**
   * Thaws the processes {@link #pause()} froze ({@code docker unpause}).
   *
   * @throws ContainerOperationException step {@code unpause}, naming the container's state, when it is
   *     not paused
   */
  public void unpause() {
    lifecycle(Step.UNPAUSE, "paused", () -> session.api().unpauseContainerCmd(id).exec());
  }

  /**
   * Sends {@code signal} to the container's main process ({@code docker kill --signal}): a Linux signal
   * name in any case, {@code SIG} optional ({@code SIGUSR1}, {@code usr1}, {@code RTMIN+3}), or its
   * number from 1 to 64. The main process gets it as PID 1 of its namespace: the kernel delivers only
   * the signals it installed a handler for ({@code trap} in a shell), and {@code SIGKILL} always.
   *
   * @throws IllegalArgumentException when {@code signal} is no signal the engine knows; nothing is sent
   * @throws ContainerOperationException step {@code kill}, naming the container's state, when it is not
   *     running
   */
  public void kill(String signal) {
    java.util.Objects.requireNonNull(signal, "kill signal");
    if (!SpecValidator.isSignal(signal)) {
      throw new IllegalArgumentException("kill signal must be a signal name or number like SIGTERM: "
          + dev.carapace.core.internal.io.Strings.show(signal));
    }
    lifecycle(Step.KILL, "running", () -> session.api().killContainerCmd(id).withSignal(signal).exec());
  }

  /** How the engine refuses a call for the container's state. */
  private static final java.util.regex.Pattern STATE_REFUSAL = java.util.regex.Pattern.compile(
      "Container \\S+ is (not running|not paused|already paused|paused|restarting)");

  /** Runs {@code call} for {@code step}; a refusal for the container's state names that state. */
  private void lifecycle(Step step, String needed, Runnable call) {
    try {
      session.bounded(() -> {
        call.run();
        return null;
      });
    } catch (com.github.dockerjava.api.exception.DockerException e) {
      // 409 "Container <id> is not running", "... is already paused"; 500 "... is not paused"
      String daemon = dev.carapace.core.internal.engine.DaemonErrors.daemonMessage(e);
      if (daemon != null && STATE_REFUSAL.matcher(daemon).find()) {
        throw new ContainerOperationException(step, spec.image(), id, "container state must be " + needed + " for "
            + step + ": " + stateForMessage(), daemon, e);
      }
      throw session.fail(step, spec.image(), id, e);
    } catch (RuntimeException e) {
      throw session.fail(step, spec.image(), id, e);
    }
  }

  /** {@code exited (exit code 0)}, {@code paused}, or why the state could not be read. */
  private String stateForMessage() {
    try {
      ContainerState s = state();
      return s.exitCode().isPresent() ? s.status() + " (exit code " + s.exitCode().getAsInt() + ")" : s.status();
    } catch (RuntimeException e) {
      return "unknown (its state could not be read)";
    }
  }

  /**
   * The container's state as the engine reports it now (a fresh {@code docker inspect}): running,
   * paused, restarting, exit code, OOM killed, started and finished, health.
   *
   * @throws ContainerOperationException step {@code inspect} when the engine does not answer, or the
   *     container was removed
   */
  public ContainerState state() {
    return ContainerState.read(inspectJson().path("State"));
  }

  /** The container's name, as {@code docker ps} shows it (without inspect's leading {@code /}); read afresh. */
  public String name() {
    String name = inspectJson().path("Name").asText("");
    return name.startsWith("/") ? name.substring(1) : name;
  }

  /**
   * The container's IP address on {@code network} (a user-defined network by name, {@code bridge}
   * for the default bridge), as the engine reports it now: its IPv4 address, or its IPv6 address on
   * a network without IPv4. Peers on the same network reach it there; this process usually does not
   * (use {@link #host} and {@link #hostPort} for a published port).
   *
   * @throws IllegalArgumentException when the container is not attached to {@code network}
   * @throws IllegalStateException when it has no address there: not running, or network {@code none}
   */
  public String ipAddress(String network) {
    java.util.Objects.requireNonNull(network, "network");
    com.fasterxml.jackson.databind.JsonNode inspect = inspectJson();
    com.fasterxml.jackson.databind.JsonNode networks = inspect.path("NetworkSettings").path("Networks");
    com.fasterxml.jackson.databind.JsonNode on = networks.path(network);
    if (!on.isObject()) {
      java.util.List<String> attached = new java.util.ArrayList<>();
      networks.fieldNames().forEachRemaining(attached::add);
      java.util.Collections.sort(attached);
      throw new IllegalArgumentException("container network must be one it is attached to: "
          + dev.carapace.core.internal.io.Strings.show(network) + " (attached: "
          + (attached.isEmpty() ? "none" : String.join(", ", attached)) + ")");
    }
    String ip = on.path("IPAddress").asText("");
    if (ip.isEmpty()) {
      ip = on.path("GlobalIPv6Address").asText("");
    }
    if (ip.isEmpty()) {
      com.fasterxml.jackson.databind.JsonNode state = inspect.path("State");
      throw new IllegalStateException("ip address on network " + network + " needs a running container on a network "
          + "that gives addresses: " + (state.path("Running").asBoolean(false) ? "running, no address given"
              : state.path("Status").asText()));
    }
    return ip;
  }

  /** {@link #ipAddress(String)} on {@code network}, by its name. */
  public String ipAddress(ContainerNetwork network) {
    java.util.Objects.requireNonNull(network, "network");
    return ipAddress(network.name());
  }

  private com.fasterxml.jackson.databind.JsonNode inspectJson() {
    return session.call(Step.INSPECT, spec.image(), id, () -> session.inspectRaw(id));
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

  /**
   * Runs {@code argv} in the container ({@code docker exec}) with {@link ExecSpec}'s defaults: the
   * container's user, environment and working directory, the launcher's stream timeout, 1 MiB of each
   * output kept. See {@link #exec(ExecSpec)}.
   */
  public ExecResult exec(String... argv) {
    return exec(ExecSpec.of(argv));
  }

  /**
   * Runs {@code exec} in the container and waits for its exit ({@code docker exec}). Never privileged:
   * the command has the container's capabilities, seccomp profile and no-new-privileges; unless
   * {@link ExecSpec#user()} says otherwise it runs as the container's user (the spec's, else the
   * image's). Stdout and stderr are kept up to {@link ExecSpec#outputLimit()} each; the rest is read
   * and dropped ({@link ExecResult#stdoutTruncated()}). Three requests: create, start, inspect.
   *
   * @throws ContainerOperationException step {@code exec}, naming the container's state, when it is not running
   *     (exited, paused, created)
   * @throws ExecTimeoutException when the command runs longer than its timeout; it names the command
   *     and what it wrote so far. The engine has no call to stop an exec'd process: it ends on its own
   *     or with the container
   */
  public ExecResult exec(ExecSpec exec) {
    java.util.Objects.requireNonNull(exec, "exec");
    return dev.carapace.core.internal.engine.ContainerExec.run(session, id, spec, exec);
  }

  /** {@link #copyInto(java.nio.file.Path, ContainerPath, CopyLimits)} with {@link CopyLimits#defaults()}. */
  public void copyInto(java.nio.file.Path hostSource, ContainerPath target) {
    copyInto(hostSource, target, CopyLimits.defaults());
  }

  /**
   * Copies a host file or directory into the container, running or stopped ({@code docker cp SRC
   * CONTAINER:DEST}): a file becomes the file {@code target}, a directory the directory {@code target}
   * with the same tree (an existing one is merged into). {@code target}'s parent must exist. Entries are
   * owned by root with the host's permissions minus setuid, setgid and sticky (for another mode or
   * owner, {@link #copyInto(ContainerPath, CopySource, CopyLimits)}); symbolic links are copied
   * as links, never followed ({@code hostSource} itself is followed). One request; the tar is produced as
   * it is sent.
   *
   * <p>With {@code readOnlyRootFilesystem(true)}, only volumes and bind mounts are writable this way.
   * A path under one of the spec's tmpfs mounts is refused: the engine's archive API cannot see a tmpfs.
   *
   * @throws IllegalArgumentException when the source does not exist, holds a FIFO, socket or device,
   *     exceeds {@code limits} (nothing is sent), or {@code target} is {@code /} or under a tmpfs mount
   * @throws ContainerOperationException step {@code copy} when the engine refuses: a missing parent directory, a
   *     read-only root filesystem or mount
   */
  public void copyInto(java.nio.file.Path hostSource, ContainerPath target, CopyLimits limits) {
    java.util.Objects.requireNonNull(hostSource, "copy source");
    copyInto(target, CopySource.ofPath(hostSource), limits);
  }

  /** {@link #copyInto(ContainerPath, CopySource, CopyLimits)} with {@link CopyLimits#defaults()}. */
  public void copyInto(ContainerPath target, CopySource source) {
    copyInto(target, source, CopyLimits.defaults());
  }

  /**
   * Copies bytes, a string or a host file or directory into the container, running or stopped, with
   * the permissions and owner {@code source} names ({@code docker cp}, then {@code chmod} and
   * {@code chown}, in one request): bytes, a string or a host file become the file {@code target}, a
   * host directory the directory {@code target} (an existing one is merged into). {@code target}'s
   * parent must exist. Defaults: mode {@code 0644} for bytes and strings, the host's permissions for a
   * path, owner root; see {@link CopySource}.
   *
   * <pre>{@code
   * web.copyInto(ContainerPath.of("/www/index.html"),
   *     CopySource.ofString("<h1>hello</h1>\n").mode(0600).owner(1000, 1000));
   * }</pre>
   *
   * <p>With {@code readOnlyRootFilesystem(true)}, only volumes and bind mounts are writable this way.
   * A path under one of the spec's tmpfs mounts is refused: the engine's archive API cannot see a tmpfs.
   *
   * @throws IllegalArgumentException when a host source does not exist or holds a FIFO, socket or
   *     device, the source exceeds {@code limits} (nothing is sent), or {@code target} is {@code /} or
   *     under a tmpfs mount
   * @throws ContainerOperationException step {@code copy} when the engine refuses: a missing parent
   *     directory, a read-only root filesystem or mount
   */
  public void copyInto(ContainerPath target, CopySource source, CopyLimits limits) {
    java.util.Objects.requireNonNull(target, "copy target");
    java.util.Objects.requireNonNull(source, "copy source");
    java.util.Objects.requireNonNull(limits, "copy limits");
    dev.carapace.core.internal.engine.ContainerFiles.copyInto(session, id, spec, source, target, limits);
  }

  /** {@link #copyFrom(ContainerPath, java.nio.file.Path, CopyLimits)} with {@link CopyLimits#defaults()}. */
  public void copyFrom(ContainerPath source, java.nio.file.Path hostTarget) {
    copyFrom(source, hostTarget, CopyLimits.defaults());
  }

  /**
   * Copies a file or directory out of the container, running or stopped ({@code docker cp
   * CONTAINER:SRC DEST}), to {@code hostTarget}, which must not exist yet (its parent must): a file
   * becomes the file {@code hostTarget}, a directory the directory {@code hostTarget}.
   *
   * <p>The container's content is not trusted. Entries with absolute names or {@code ..}, symbolic
   * links that are absolute or lead outside {@code hostTarget} (a {@code source} that is itself such a
   * link included), hard links to anything but a file copied before, devices and FIFOs are refused, and
   * so is an archive beyond {@code limits}. Permissions lose setuid, setgid, sticky and world-write bits;
   * owner and group are this process's. The archive is extracted beside {@code hostTarget} and moved
   * into place only once all of it passed: on any failure nothing is left on the host.
   *
   * @throws IllegalArgumentException when {@code hostTarget} exists or its parent does not, or
   *     {@code source} is {@code /} or under a tmpfs mount
   * @throws ContainerOperationException step {@code copy} when {@code source} does not exist, or the archive breaks
   *     a rule or a limit (the message names the entry)
   */
  public void copyFrom(ContainerPath source, java.nio.file.Path hostTarget, CopyLimits limits) {
    java.util.Objects.requireNonNull(source, "copy source");
    java.util.Objects.requireNonNull(hostTarget, "copy target");
    java.util.Objects.requireNonNull(limits, "copy limits");
    dev.carapace.core.internal.engine.ContainerFiles.copyFrom(session, id, spec, source, hostTarget, limits);
  }

  // ---------------------------------------------------------------- ports, log streams, waits

  /**
   * Every port the engine published for this container, as {@code docker port} lists them: the host
   * address and port it bound for each {@link PortBinding} of the spec, the port it chose for a host
   * port of 0 included. Empty when the spec publishes none, or the container is not running.
   */
  public java.util.List<PublishedPort> publishedPorts() {
    return Ports.published(session.call(Step.INSPECT, spec.image(), id, () -> session.inspectRaw(id)));
  }

  /**
   * Where the engine published {@code containerPort}/{@code protocol} (the IPv4 binding first when
   * there are several).
   *
   * @throws IllegalArgumentException when the spec does not publish that port
   * @throws IllegalStateException when the container is not running (a stopped container has no
   *     published ports)
   */
  public PublishedPort publishedPort(int containerPort, PortBinding.Protocol protocol) {
    java.util.Objects.requireNonNull(protocol, "protocol");
    com.fasterxml.jackson.databind.JsonNode inspect =
        session.call(Step.INSPECT, spec.image(), id, () -> session.inspectRaw(id));
    return Ports.find(spec, Ports.published(inspect), inspect.path("State").path("Status").asText(),
        containerPort, protocol);
  }

  /**
   * The host port the engine bound for TCP {@code containerPort}, as {@link #publishedPort}: for
   * {@code PortBinding.localhost(0, 80)}, {@code hostPort(80)} is the port it chose on 127.0.0.1.
   *
   * @throws IllegalArgumentException when the spec does not publish that port
   * @throws IllegalStateException when the container is not running
   */
  public int hostPort(int containerPort) {
    return publishedPort(containerPort, PortBinding.Protocol.TCP).hostPort();
  }

  /**
   * The host to connect to, from this process, for TCP {@code containerPort}: with {@link #hostPort},
   * where a client reaches the port. A port published on every interface is reached on loopback
   * ({@code 127.0.0.1}, or {@code ::1} for {@code ::}) when the launcher talks to the engine through a
   * unix socket, and on the endpoint's host ({@code Endpoint.tls("docker.example", 2376, ..)} gives
   * {@code docker.example}) when through TCP or TLS; a port published on one address is reached there.
   * With a caller's docker-java client, whose address Carapace cannot read, the engine is taken as local.
   *
   * <pre>{@code
   * URI uri = URI.create("http://" + c.host(8080) + ":" + c.hostPort(8080) + "/");
   * }</pre>
   *
   * @throws IllegalArgumentException when the spec does not publish that port
   * @throws IllegalStateException when the container is not running, or the port is bound to the
   *     loopback of an engine on another host (nothing here reaches it)
   */
  public String host(int containerPort) {
    return host(containerPort, PortBinding.Protocol.TCP);
  }

  /** {@link #host(int)} for {@code containerPort}/{@code protocol}. */
  public String host(int containerPort, PortBinding.Protocol protocol) {
    return Ports.connectHost(publishedPort(containerPort, protocol), engineUri());
  }

  /** The engine's address, for {@link Ports#connectHost}; null for a caller's docker-java client. */
  URI engineUri() {
    return session.endpoint().map(Endpoint::uri).orElse(null);
  }

  /**
   * Follows stdout and stderr line by line as they come ({@code docker logs --follow}), from the
   * container's first line, into a {@link LogStream} the caller reads and closes; at most 1024 lines
   * and 4 MiB of text wait in it before reading from the engine pauses (back-pressure). A line longer
   * than 1 MiB comes in pieces of at most 1 MiB. When the container's output ends, every line has
   * come, an unfinished last line included (the log is then read once more: see {@link LogStream}).
   * Closing this container or its launcher closes the stream too.
   */
  public LogStream streamLogs() {
    LogStream stream = new LogStream(LogStream.DEFAULT_CAPACITY, this::logFailure);
    LogFollower follower = new LogFollower(stream.sink(), this::catchUp);
    stream.follower(follower);
    stream.onClose(() -> session.streamClosed(stream));
    startFollowing(follower, stream);
    return stream;
  }

  /**
   * Follows stdout and stderr line by line as they come ({@code docker logs --follow}), from the
   * container's first line, handing each to {@code consumer} on docker-java's reading thread; a slow
   * consumer slows the reading (back-pressure). A line longer than 1 MiB is handed on in pieces of at
   * most 1 MiB; when the output ends, every line has come, an unfinished last line included (see
   * {@link LogStream}). A consumer that throws ends the following (logged at WARN, rethrown by
   * {@link LogSubscription#awaitEnd}). Close the returned subscription to stop; closing this container
   * or its launcher closes it too.
   */
  public LogSubscription followLogs(java.util.function.Consumer<LogLine> consumer) {
    java.util.Objects.requireNonNull(consumer, "consumer");
    LogSubscription subscription = new LogSubscription(id.substring(0, Math.min(12, id.length())),
        this::logFailure);
    LogFollower follower = new LogFollower(subscription.sink(consumer), this::catchUp);
    subscription.follower(follower);
    subscription.onClose(() -> session.streamClosed(subscription));
    startFollowing(follower, subscription);
    return subscription;
  }

  /** Starts {@code follower}; {@code handle} is closed with this container or the launcher. */
  private void startFollowing(LogFollower follower, AutoCloseable handle) {
    session.streamOpened(id, handle);
    try {
      session.streaming().logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
          .exec(follower);
    } catch (RuntimeException e) {
      session.streamClosed(handle);
      follower.close();
      throw session.fail(Step.LOGS, spec.image(), id, e);
    }
  }

  /** The whole log, not followed, into {@code rest} (see {@link LogFollower}). */
  private void catchUp(LogFollower rest) {
    try {
      session.streaming().logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false)
          .exec(rest);
    } catch (RuntimeException e) {
      rest.onError(e);
    }
  }

  private RuntimeException logFailure(Throwable t) {
    return t instanceof RuntimeException ? session.fail(Step.LOGS, spec.image(), id, (RuntimeException) t)
        : new ContainerOperationException(Step.LOGS, spec.image(), id, "log stream broken: " + t, null, t);
  }

  /**
   * Waits at most {@code timeout} for {@code wait}: healthy, a log line, a port that accepts, the exit.
   *
   * @throws WaitTimeoutException when {@code timeout} passed first, saying what the wait saw last
   * @throws WaitException at once when the container exits first (naming its exit code) or the
   *     condition cannot happen (no health check, a port not published on loopback)
   * @throws IllegalArgumentException for a port the spec does not publish
   * @throws ContainerOperationException step {@code wait} when the engine does not answer
   */
  public void await(Wait wait, Duration timeout) {
    java.util.Objects.requireNonNull(wait, "wait");
    java.util.Objects.requireNonNull(timeout, "timeout");
    new Waiting(session, id, spec, this).await(wait, timeout);
  }

  @Override
  public String toString() {
    return "RunningContainer{" + id.substring(0, Math.min(12, id.length())) + " " + spec.image() + "}";
  }
}
