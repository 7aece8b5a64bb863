package dev.carapace.core;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.carapace.core.LaunchException.Step;
import dev.carapace.core.internal.DaemonErrors;
import dev.carapace.core.internal.EngineClient;
import dev.carapace.core.internal.RecordedVerifier;
import dev.carapace.core.internal.SpecTranslator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link SecureContainerSpec}s on a Docker Engine and never leaks a container.
 *
 * <pre>{@code
 * try (ContainerLauncher launcher = ContainerLauncher.connect(Endpoint.fromEnvironment())) {
 *   RunResult r = launcher.run(spec, Duration.ofSeconds(30));   // like docker run --rm
 *   System.out.println(r.exitCode() + " " + r.stdout());
 * }
 * }</pre>
 *
 * <p>A launch checks the spec with every {@link LaunchCheck} before any call reaches the daemon,
 * creates the container, inspects it to verify the daemon recorded the hardening and limits asked for
 * (a mismatch removes it and throws {@link RecordedMismatchException}), then starts it. Any failure
 * after create removes the container before the exception reaches the caller.
 *
 * <p>Every container carries the labels {@value #MANAGED_LABEL}, {@value #OWNER_LABEL} (this process)
 * and {@value #LAUNCHER_LABEL}; {@link #close()} removes this launcher's containers still present, and
 * {@link #cleanupLeftovers()} removes those of processes that died without closing.
 *
 * <p>Thread-safe: one launcher serves many threads over a pool of connections.
 */
public final class ContainerLauncher implements AutoCloseable {
  /** Set to {@code true} on every container Carapace creates. */
  public static final String MANAGED_LABEL = "dev.carapace.managed";
  /** {@code <pid>@<host>@<process start millis>} of the creating JVM. */
  public static final String OWNER_LABEL = "dev.carapace.owner";
  /** The creating launcher's random id. */
  public static final String LAUNCHER_LABEL = "dev.carapace.launcher";

  private static final Logger LOG = LoggerFactory.getLogger(ContainerLauncher.class);
  /** docker-java logs every command with its fields, env values included, at this logger's DEBUG. */
  private static final Logger DOCKER_JAVA_COMMANDS =
      LoggerFactory.getLogger("com.github.dockerjava.core.command.AbstrDockerCmd");
  private static final java.util.concurrent.atomic.AtomicBoolean WARNED_DEBUG =
      new java.util.concurrent.atomic.AtomicBoolean();
  private static final String HOST = lookUpHostName();
  private static final String OWNER = ownerId();

  private final Endpoint endpoint;
  private final EngineClient client;
  private final boolean ownsClient;
  private final List<LaunchCheck> checks;
  private final PullPolicy pullPolicy;
  private final Duration streamTimeout;
  private final String launcherId = UUID.randomUUID().toString();
  private final Map<String, String> labels;
  private final Set<String> live = ConcurrentHashMap.newKeySet();
  /** A create whose answer was lost (timeout, dropped connection) may have made a container anyway. */
  private volatile boolean createInDoubt;

  private ContainerLauncher(Builder b) {
    this.endpoint = b.endpoint;
    this.client = EngineClient.open(b.endpoint, b.endpoint.authorizationHeader());
    this.ownsClient = true;
    this.checks = List.copyOf(b.checks);
    this.pullPolicy = b.pullPolicy;
    this.streamTimeout = b.streamTimeout;
    this.labels = Map.of(MANAGED_LABEL, "true", OWNER_LABEL, OWNER, LAUNCHER_LABEL, launcherId);
  }

  /** A launcher for {@code endpoint} with the defaults: no checks, {@link PullPolicy#IF_MISSING}. */
  public static ContainerLauncher connect(Endpoint endpoint) {
    return builder().endpoint(endpoint).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Configures a launcher. */
  public static final class Builder {
    private Endpoint endpoint;
    private final List<LaunchCheck> checks = new ArrayList<>();
    private PullPolicy pullPolicy = PullPolicy.IF_MISSING;
    private Duration streamTimeout = Duration.ofSeconds(60);

    private Builder() {}

    /** The engine to use. If unset, {@link Endpoint#fromEnvironment()}. */
    public Builder endpoint(Endpoint endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /** Judges every spec before launch (the policy module's enforcement plugs in here). */
    public Builder addCheck(LaunchCheck check) {
      checks.add(Objects.requireNonNull(check, "check"));
      return this;
    }

    /** When to pull images. If unset, {@link PullPolicy#IF_MISSING}. */
    public Builder pullPolicy(PullPolicy policy) {
      this.pullPolicy = Objects.requireNonNull(policy, "pull policy");
      return this;
    }

    /** How long a log or stats read may take. If unset, 60 s. */
    public Builder streamTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("stream timeout must be positive: " + timeout);
      }
      this.streamTimeout = timeout;
      return this;
    }

    public ContainerLauncher build() {
      if (endpoint == null) {
        endpoint = Endpoint.fromEnvironment();
      }
      return new ContainerLauncher(this);
    }
  }

  /**
   * Runs {@code spec} to completion like {@code docker run --rm}: creates, verifies, starts, waits
   * at most {@code timeout}, collects stdout and stderr, and removes the container, whatever happens.
   *
   * @throws LaunchException naming the step when any step fails, or {@link Step#WAIT} when the
   *     container did not exit within {@code timeout} (it is killed and removed)
   */
  public RunResult run(SecureContainerSpec spec, Duration timeout) {
    long t0 = System.nanoTime();
    RunningContainer c = launch(spec);
    try {
      OptionalInt exit = c.awaitExit(timeout);
      if (exit.isEmpty()) {
        throw new LaunchException(Step.WAIT, spec.image(), c.id(),
            "container did not exit within " + timeout, null, null);
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
      ContainerLogs logs = c.logs();
      return new RunResult(c.id(), exit.getAsInt(), logs.stdout(), logs.stderr(), elapsed);
    } finally {
      c.close();
    }
  }

  /**
   * Creates, verifies and starts {@code spec}, and returns its handle. Close the handle to remove the
   * container.
   *
   * @throws LaunchException naming the step; nothing is left on the engine
   */
  public RunningContainer launch(SecureContainerSpec spec) {
    Objects.requireNonNull(spec, "spec");
    for (LaunchCheck check : checks) {
      check.check(spec);
    }
    if (spec.seccomp().kind() == Seccomp.Kind.UNCONFINED) {
      LOG.warn("launching {} with seccomp=unconfined: no system call filter", spec.image());
    }
    if (!spec.noNewPrivileges()) {
      LOG.warn("launching {} without no-new-privileges: processes may gain privileges", spec.image());
    }
    if (!spec.env().isEmpty() && DOCKER_JAVA_COMMANDS.isDebugEnabled() && WARNED_DEBUG.compareAndSet(false, true)) {
      LOG.warn("DEBUG logging of com.github.dockerjava.core.command prints create commands with their env"
          + " values: raise that logger to INFO where env holds secrets");
    }
    if (pullPolicy == PullPolicy.ALWAYS) {
      pull(spec.image());
    }
    String id = create(spec);
    try {
      verify(spec, id);
      start(spec, id);
    } catch (RuntimeException | Error e) {
      removeAfterFailure(id, e);
      throw e;
    }
    return new RunningContainer(this, id, spec);
  }

  private String create(SecureContainerSpec spec) {
    try {
      return createOnce(spec);
    } catch (NotFoundException e) {
      if (!DaemonErrors.isNoSuchImage(e)) {
        throw fail(Step.CREATE, spec.image(), null, e);
      }
      if (pullPolicy == PullPolicy.NEVER) {
        throw new ImageNotFoundException(Step.CREATE, spec.image(),
            "image is not on the engine and the pull policy is never", DaemonErrors.daemonMessage(e), e);
      }
      pull(spec.image());
      try {
        return createOnce(spec);
      } catch (RuntimeException again) {
        throw fail(Step.CREATE, spec.image(), null, again);
      }
    } catch (RuntimeException e) {
      String daemon = DaemonErrors.daemonMessage(e);
      if (daemon == null && !DaemonErrors.neverSent(e)) {
        createInDoubt = true;
      } else if (daemon != null && daemon.startsWith("Requested CPUs are not available")
          && spec.cpusetCpus().isPresent()) {
        // the engine checks the cpuset at create: no extra round trip to ask it for its CPUs first
        int at = daemon.indexOf("available: ");
        throw new LaunchException(Step.CREATE, spec.image(), null, "cpusetCpus must be within the engine's CPUs: "
            + spec.cpusetCpus().get() + (at < 0 ? "" : " (engine has " + daemon.substring(at + 11).trim() + ")"),
            daemon, e);
      }
      throw fail(Step.CREATE, spec.image(), null, e);
    }
  }

  private String createOnce(SecureContainerSpec spec) {
    CreateContainerResponse r = bounded(() -> SpecTranslator.apply(spec,
        client.api().createContainerCmd(spec.image()), labels).exec());
    live.add(r.getId());
    return r.getId();
  }

  private void pull(String image) {
    try {
      client.streaming().pullImageCmd(image).start().awaitCompletion(streamTimeout.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LaunchException(Step.PULL, image, null, "interrupted", null, e);
    } catch (RuntimeException e) {
      throw new ImageNotFoundException(Step.PULL, image, "image is not on the engine and could not be pulled",
          DaemonErrors.daemonMessage(e) != null ? DaemonErrors.daemonMessage(e)
              : DaemonErrors.transportProblem(e), e);
    }
  }

  private void verify(SecureContainerSpec spec, String id) {
    com.fasterxml.jackson.databind.JsonNode inspect;
    try {
      inspect = bounded(() -> client.inspectRaw(id));
    } catch (RuntimeException e) {
      throw fail(Step.VERIFY, spec.image(), id, e);
    }
    List<String> mismatches = RecordedVerifier.mismatches(spec, inspect);
    if (!mismatches.isEmpty()) {
      throw new RecordedMismatchException(spec.image(), id, mismatches);
    }
  }

  private void start(SecureContainerSpec spec, String id) {
    try {
      bounded(() -> client.api().startContainerCmd(id).exec());
    } catch (RuntimeException e) {
      throw fail(Step.START, spec.image(), id, e);
    }
  }

  /** Turns a docker-java failure into a {@link LaunchException} for {@code step}. */
  LaunchException fail(Step step, String image, String id, RuntimeException e) {
    if (e instanceof LaunchException) {
      return (LaunchException) e;
    }
    if (e instanceof com.github.dockerjava.api.exception.DockerException) {
      int status = ((com.github.dockerjava.api.exception.DockerException) e).getHttpStatus();
      if (status == 401 || (status == 403 && endpoint.username().isPresent())) {
        return new EngineAuthenticationException(step, image, endpoint.toString(), status, e);
      }
    }
    if (e instanceof dev.carapace.core.internal.Deadline.Exceeded) {
      return new LaunchException(step, image, id, "engine " + endpoint + " unreachable or not answering: "
          + e.getMessage(), null, e);
    }
    String daemon = DaemonErrors.daemonMessage(e);
    String detail = daemon != null ? null
        : DaemonErrors.isTlsFailure(e) ? "TLS handshake with " + endpoint + " failed: "
            + DaemonErrors.transportProblem(e)
        : endpoint.isTls() && DaemonErrors.isConnectionDropped(e) ? "TLS connection to " + endpoint
            + " was dropped by the peer (client certificate refused?): " + DaemonErrors.transportProblem(e)
        : DaemonErrors.isTransportFailure(e) ? "engine " + endpoint + " unreachable or not answering: "
            + DaemonErrors.transportProblem(e)
        : "unexpected failure talking to " + endpoint + ": " + DaemonErrors.transportProblem(e);
    return new LaunchException(step, image, id, detail, daemon, e);
  }

  private void removeAfterFailure(String id, Throwable failure) {
    try {
      removeContainer(id);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** Force-removes container {@code id} with its anonymous volumes; an absent container is fine. */
  void removeContainer(String id) {
    try {
      bounded(() -> client.api().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec());
    } catch (NotFoundException e) {
      // already gone
    } catch (com.github.dockerjava.api.exception.ConflictException e) {
      // removal already in progress
      if (!String.valueOf(DaemonErrors.daemonMessage(e)).contains("already in progress")) {
        throw e;
      }
    }
    live.remove(id);
  }

  /**
   * Runs an ordinary API call within the endpoint's response timeout, even on transports that ignore
   * it (docker-java's unix socket).
   */
  <T> T bounded(java.util.function.Supplier<T> call) {
    return bounded(endpoint.responseTimeout(), call);
  }

  <T> T bounded(Duration timeout, java.util.function.Supplier<T> call) {
    return dev.carapace.core.internal.Deadline.call(timeout, call);
  }

  Endpoint endpoint() {
    return endpoint;
  }

  EngineClient client() {
    return client;
  }

  Duration streamTimeout() {
    return streamTimeout;
  }

  /**
   * Removes every Carapace container on the engine whose creating process has died on this host
   * (its pid is gone or now belongs to another process): the leftovers of a crash or {@code kill -9}.
   * Containers of live processes and of other hosts are left alone.
   *
   * @return the ids removed
   */
  public List<String> cleanupLeftovers() {
    return removeWhere(owner -> isDeadLocalOwner(owner));
  }

  /**
   * Removes every Carapace-managed container on the engine, whoever created it. For test suites and
   * operators; running containers are killed.
   *
   * @return the ids removed
   */
  public List<String> cleanupAll() {
    return removeWhere(owner -> true);
  }

  private List<String> removeWhere(java.util.function.Predicate<String> ownerMatches) {
    List<Container> containers;
    try {
      containers = bounded(() -> client.api().listContainersCmd().withShowAll(true)
          .withLabelFilter(Map.of(MANAGED_LABEL, "true")).exec());
    } catch (RuntimeException e) {
      throw fail(Step.CLEANUP, "*", null, e);
    }
    List<String> removed = new ArrayList<>();
    for (Container c : containers) {
      String owner = c.getLabels() == null ? null : c.getLabels().get(OWNER_LABEL);
      if (owner != null && ownerMatches.test(owner)) {
        try {
          removeContainer(c.getId());
          removed.add(c.getId());
        } catch (RuntimeException e) {
          throw fail(Step.CLEANUP, c.getImage(), c.getId(), e);
        }
      }
    }
    return removed;
  }

  static boolean isDeadLocalOwner(String owner) {
    String[] parts = owner.split("@");
    if (parts.length != 3 || !parts[1].equals(hostName())) {
      return false;
    }
    long pid;
    long start;
    try {
      pid = Long.parseLong(parts[0]);
      start = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      return false;
    }
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty() || !p.get().isAlive()) {
      return true;
    }
    Optional<java.time.Instant> started = p.get().info().startInstant();
    return started.isPresent() && Math.abs(started.get().toEpochMilli() - start) > 2000;
  }

  private static String ownerId() {
    ProcessHandle self = ProcessHandle.current();
    long start = self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    return self.pid() + "@" + hostName() + "@" + start;
  }

  static String hostName() {
    return HOST;
  }

  /** The kernel's host name, without a DNS lookup (which can stall a cold start). */
  private static String lookUpHostName() {
    try {
      String name = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: ask the JDK
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env == null ? "localhost" : env;
    }
  }

  /** This launcher's id, the value of {@value #LAUNCHER_LABEL} on its containers. */
  public String id() {
    return launcherId;
  }

  /**
   * Removes every container this launcher created that is still on the engine, then closes its
   * connections. Idempotent. When a create's answer was lost (a timeout, a dropped connection), the
   * engine may have made the container anyway: close then also looks for this launcher's label.
   */
  @Override
  public void close() {
    RuntimeException first = null;
    if (createInDoubt) {
      try {
        bounded(() -> client.api().listContainersCmd().withShowAll(true)
            .withLabelFilter(Map.of(LAUNCHER_LABEL, launcherId)).exec())
            .forEach(c -> live.add(c.getId()));
        createInDoubt = false;
      } catch (RuntimeException e) {
        first = e;
      }
    }
    for (String id : new ArrayList<>(live)) {
      try {
        removeContainer(id);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (ownsClient) {
      client.close();
    }
    if (first != null) {
      throw fail(Step.REMOVE, "*", null, first);
    }
  }

  /** For {@link RunningContainer}: the docker-java client bounded by the response timeout. */
  DockerClient api() {
    return client.api();
  }
}
