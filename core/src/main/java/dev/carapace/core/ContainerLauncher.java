package dev.carapace.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.carapace.core.EngineException.Step;
import dev.carapace.core.internal.registry.DockerConfigCredentials;
import dev.carapace.core.internal.engine.EngineNetworks;
import dev.carapace.core.internal.engine.EngineOwner;
import dev.carapace.core.internal.engine.EngineSession;
import dev.carapace.core.internal.registry.ImageReference;
import dev.carapace.core.internal.registry.RegistryAuth;
import dev.carapace.core.internal.engine.RegistryPull;
import dev.carapace.core.internal.fields.RecordedVerifier;
import dev.carapace.core.internal.engine.SecretLoggers;
import dev.carapace.core.internal.values.TrustedImages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.Optional;
import java.util.function.Consumer;
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
 * <p>A launch checks the spec with every {@link LaunchCheck} before any call reaches the daemon. When
 * the spec names a {@link ContainerRuntime}, it refuses one the engine does not list, naming those it
 * does, before anything is created; likewise a cpuset or a CPU count beyond the engine's CPUs (the
 * engine is asked once per launcher, {@code GET /info}, and only for specs with a runtime, a cpuset or
 * a CPU count: a runtime registered later needs a new launcher). It then creates the container, inspects it to
 * verify the daemon recorded the hardening and limits asked for (a mismatch removes it and throws
 * {@link RecordedMismatchException}), then starts it. Any failure after create removes the container
 * before the exception reaches the caller. A spec on a user-defined network ({@link NetworkMode#named})
 * costs one more call before create, {@code GET /networks/NAME}: a network the engine lacks is refused
 * then, naming it.
 *
 * <p>{@link #createNetwork(NetworkSpec)} creates such a network, internal by default, and returns its
 * {@link ContainerNetwork} handle; removing it removes its containers first.
 *
 * <p>Every container carries the {@link OwnerLabels}: {@value OwnerLabels#MANAGED},
 * {@value OwnerLabels#OWNER} (this process), {@value OwnerLabels#LAUNCHER} ({@link #id()}) and the
 * owner's identity: host, OS user and application name ({@link Builder#applicationName(String)});
 * {@link #close()} removes this launcher's containers still present, {@link #cleanupLeftovers()}
 * those of processes of the same identity that died without closing, and
 * {@link #cleanupLeftoversOfAllApplications()} those of every dead process of this host.
 *
 * <p><b>At the JVM's exit.</b> A launcher not closed when its JVM ends (main returns, {@code System.exit},
 * SIGTERM, SIGINT) is closed by a JVM shutdown hook: its containers are force-removed, its networks
 * removed, and a line at INFO names them ({@code launcher ID: removed at JVM exit, close() was not
 * called: container 0123456789ab, network NAME (120 ms)}). The hook waits at most 10 s for every
 * launcher and Swarm deployer together, then lets the JVM end, logging at WARN what is left: a hung
 * engine never hangs the exit. {@link Builder#keepOnExit()} opts out. {@code kill -9} and an OOM kill
 * run no hook: then a reaper, a small child process of the JVM that waits on a pipe for the JVM's end,
 * removes the containers and networks of every launcher not closed, within about a second (no
 * privileged container, no engine socket mounted anywhere); {@link Builder#withoutReaper()} opts out.
 * A power cut, or a kill of the JVM's whole process group or cgroup, takes the reaper too: then the
 * next launcher or deployer of the same identity (host, OS user, application name) removes what such
 * a process left when it starts its reaper, on a thread of its own, and logs it at INFO (not what a
 * {@code keepOnExit()} launcher made); {@link Builder#withoutLeftoverSweep()} opts out, and
 * {@link #cleanupLeftovers()} removes it on demand.
 * Carapace's own threads are daemon threads: they never keep a JVM alive.
 *
 * <p>An image the engine lacks is pulled first ({@link PullPolicy}), with the credentials
 * {@link RegistryCredentials} finds for its registry (by default those of the docker CLI's
 * {@code config.json}); a registry that wants a login and gets none, or refuses the one sent, is a
 * {@link RegistryAuthenticationException} naming the registry and the user, never the password.
 *
 * <p>The launcher opens its own connections to an {@link Endpoint}, or uses the docker-java client
 * the application already has ({@link Builder#dockerClient}), which it then never closes; either way
 * {@link #dockerClient()} hands that client out, for audits and checks on the same connection.
 *
 * <p>Thread-safe: one launcher serves many threads over a pool of connections.
 */
public final class ContainerLauncher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerLauncher.class);
  private final EngineOwner owner;
  private final EngineSession session;
  private final EngineNetworks networks;
  private final List<LaunchCheck> checks;
  private final PullPolicy pullPolicy;
  /** Null: the caller's docker-java client pulls with its own configuration. */
  private final RegistryCredentials registryCredentials;
  private final Consumer<PullProgress> pullProgress;
  private final Map<String, String> labels;
  /** Null: images are launched as named, unverified. */
  private final ImageTrust imageTrust;

  private ContainerLauncher(Builder b) {
    this.owner = EngineOwner.open(b.connection, LOG);
    this.session = owner.session();
    session.logTo(LOG); // the removal of a container of a create given up on
    this.labels = owner.labels();
    this.networks = new EngineNetworks(session);
    this.checks = List.copyOf(b.checks);
    this.pullPolicy = b.pullPolicy;
    this.registryCredentials = b.registryCredentials != null ? b.registryCredentials
        : b.connection.callersClient() ? null : RegistryCredentials.fromDockerConfig();
    this.pullProgress = b.pullProgress;
    this.imageTrust = b.imageTrust;
    owner.removeOnExit(this::onEngine, this::close);
  }

  /** What this launcher has on the engine, as the exit log names it. */
  private List<String> onEngine() {
    List<String> out = new ArrayList<>();
    session.tracked().forEach(id -> out.add("container " + id.substring(0, Math.min(12, id.length()))));
    networks.liveNames().forEach(name -> out.add("network " + name));
    return out;
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
    private final EngineOwner.Connection connection = new EngineOwner.Connection("launcher");
    private final List<LaunchCheck> checks = new ArrayList<>();
    private PullPolicy pullPolicy = PullPolicy.IF_MISSING;
    private RegistryCredentials registryCredentials;
    private Consumer<PullProgress> pullProgress;
    private ImageTrust imageTrust;

    private Builder() {}

    /**
     * The engine to use; the launcher opens its own connections to it and closes them in
     * {@link ContainerLauncher#close()}. If unset (and no {@link #dockerClient} is set),
     * {@link Endpoint#fromEnvironment()}.
     *
     * @throws IllegalStateException when {@link #dockerClient} is already set
     */
    public Builder endpoint(Endpoint endpoint) {
      connection.endpoint(endpoint);
      return this;
    }

    /**
     * Uses the docker-java client the application already has, instead of opening connections to an
     * {@link #endpoint}. <b>The launcher never closes {@code client}</b>: {@link ContainerLauncher#close()}
     * removes the launcher's containers through it and leaves it open; close it yourself, after the
     * launcher.
     *
     * <p>Every call goes through {@code client} as it is configured (its transport, TLS, API version,
     * registry credentials for pulls), the waits, logs and stats included. Carapace still bounds each
     * ordinary call by 60 s, {@link Endpoint#responseTimeout()}'s default (docker-java's unix-socket
     * transport ignores a response timeout), and each stream by {@link #streamTimeout}.
     *
     * <p>The launch's verification reads the container's inspect JSON through the client's own
     * transport when docker-java exposes it ({@code DockerClientImpl#getHttpClient()}, as for any client
     * made by {@code DockerClientImpl.getInstance(config, httpClient)}); from any other client (a
     * delegate, such as a test framework's), it reads docker-java's inspect model written back to JSON,
     * which carries every field verified. A log driver docker-java's {@code LogConfig} enum does not
     * know (a plugin) is written by the client's own ObjectMapper, which drops its name: the
     * verification then refuses the container.
     *
     * @throws IllegalStateException when {@link #endpoint} is already set
     */
    public Builder dockerClient(DockerClient client) {
      connection.dockerClient(client);
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

    /**
     * Where pulls find the credentials of the image's registry, as {@code docker login} leaves them
     * for {@code docker pull}; only that registry's credentials are sent, in the
     * {@code X-Registry-Auth} header. If unset, {@link RegistryCredentials#fromDockerConfig()} for a
     * launcher on an {@link #endpoint}, and the client's own configuration for a caller's
     * {@link #dockerClient}. {@link RegistryCredentials#none()} pulls anonymously.
     */
    public Builder registryCredentials(RegistryCredentials credentials) {
      this.registryCredentials = Objects.requireNonNull(credentials, "registry credentials");
      return this;
    }

    /**
     * Receives each progress message of every pull (layer, status, bytes done and total), on the
     * thread reading the engine's answer, as {@code docker pull} prints them. A listener that throws
     * abandons the pull: the launch fails with a {@link LaunchException} at step {@code pull} whose
     * cause is the listener's exception. If unset, progress is not reported.
     */
    public Builder pullProgress(Consumer<PullProgress> listener) {
      this.pullProgress = Objects.requireNonNull(listener, "pull progress listener");
      return this;
    }

    /** How long a pull, a log read or a stats read may take. If unset, 60 s. */
    public Builder streamTimeout(Duration timeout) {
      connection.streamTimeout(timeout);
      return this;
    }

    /**
     * <b>Leaves this launcher's containers and networks on the engine when the JVM ends without
     * {@link ContainerLauncher#close()}</b> (main returns, {@code System.exit}, SIGTERM, SIGINT): they
     * keep running, until {@code close()}, or until a {@code cleanupLeftovers()} in a later process
     * removes them. Logged at INFO when the launcher is built.
     *
     * <p>If unset, the launcher is removed at exit: one JVM shutdown hook closes every launcher not
     * closed yet, force-removing its containers and networks, and logs at INFO what it removed; it
     * waits at most 10 s for them all ({@code EXIT_DEADLINE}), so a hung engine never hangs the exit.
     * Set this when the containers must outlive the program that started them, or when your own
     * shutdown hooks still use them (JVM shutdown hooks run concurrently, in no set order): then close
     * the launcher in your hook yourself.
     */
    public Builder keepOnExit() {
      connection.keepOnExit();
      return this;
    }

    /**
     * <b>No reaper for this launcher: its containers and networks stay on the engine when the JVM dies
     * without running its exit hook</b> ({@code kill -9}, an OOM kill), until a {@code cleanupLeftovers()}
     * in a later process. Logged at INFO when the launcher is built.
     *
     * <p>If unset, the JVM's first launcher starts the reaper, one child process for the whole JVM
     * (a JVM with a 32 MiB heap, idle on a pipe): when the JVM dies, the pipe ends, and the reaper removes
     * what every launcher not closed made, then exits. The endpoint, its credentials and TLS key included,
     * reach it through that pipe only. A launcher on a caller's own client ({@link #dockerClient}) has
     * no reaper. {@link #keepOnExit()} implies this. <b>No start-up sweep either</b>
     * ({@link #withoutLeftoverSweep()}): a launcher without a reaper removes nothing of dead processes.
     */
    public Builder withoutReaper() {
      connection.withoutReaper();
      return this;
    }

    /**
     * <b>Leaves on the engine what dead processes of this launcher's identity left</b> (host, OS user,
     * {@link #applicationName}), until a {@code cleanupLeftovers()}. Logged at INFO when the launcher is
     * built.
     *
     * <p>If unset, the launcher sweeps when it starts its reaper: a power cut, or a kill of the JVM's
     * whole process group or cgroup ({@code systemctl stop}, the OOM killer taking a cgroup), ends the
     * reaper with its JVM, and nothing else would remove what that JVM made. On a thread of its own,
     * each call bounded by the response timeout and the whole by 60 s, the launcher removes the
     * containers (forced, with their anonymous volumes) and then the networks of processes of this host
     * that are gone, had its identity, and would have removed them at their exit (label
     * {@value OwnerLabels#AT_EXIT} {@code remove}: never what a {@link #keepOnExit()} launcher made, never
     * another application's or user's), and logs at INFO what it removed. Once per JVM for each engine
     * and identity. Off with {@link #withoutReaper()}, {@link #keepOnExit()} and a caller's own
     * {@link #dockerClient}. Set this to read a dead run's containers (their logs, their exit codes)
     * before removing them yourself.
     */
    public Builder withoutLeftoverSweep() {
      connection.withoutLeftoverSweep();
      return this;
    }

    /**
     * The name of the application this launcher works for, the value of
     * {@value OwnerLabels#APPLICATION} on what it creates: with the host and the OS user, the identity
     * whose leftovers {@link ContainerLauncher#cleanupLeftovers()} removes. Give every launcher of an
     * application the same name, and two applications different ones.
     *
     * <p>If unset, the main class of the JVM ({@code com.example.Main}), or for {@code java -jar app.jar}
     * the jar's name without {@code .jar} ({@code app}); {@code unnamed} when neither can be told. A
     * name that depends on how the program is started (a test runner, a wrapper's main class) is worth
     * setting.
     *
     * @throws IllegalArgumentException when {@code name} is empty, longer than 255 characters, holds a
     *     control character (NUL included) or begins or ends with white space
     */
    public Builder applicationName(String name) {
      connection.applicationName(name);
      return this;
    }

    /**
     * Verifies each image before any create, as {@code trust}'s rules say: an image a rule matches is
     * resolved to its manifest digest once, its cosign signatures are verified, and it is created by
     * that digest ({@code repo@sha256:...}), so the tag cannot be moved between the check and the
     * start; the recorded {@code Config.Image} is verified to be that digest and
     * {@link RunningContainer#spec()} names it. Refused ({@link ImageTrust.Rule#REQUIRE_SIGNATURE}
     * without a verified signature): an {@link UntrustedImageException} naming the image, the digest
     * and the reason, and nothing created. {@link ImageTrust.Rule#WARN_IF_UNSIGNED}: launched, with a
     * WARN log. The verification comes first: the {@linkplain #addCheck checks} judge the spec with
     * its image pinned. The registry is reached with the trust's {@link RegistryAccess}, whose
     * credentials default to this launcher's {@linkplain #registryCredentials registry credentials}.
     * If unset, images are launched as named, unverified (as {@code docker run}).
     */
    public Builder imageTrust(ImageTrust trust) {
      this.imageTrust = Objects.requireNonNull(trust, "image trust");
      return this;
    }

    public ContainerLauncher build() {
      return new ContainerLauncher(this);
    }
  }

  /**
   * Runs {@code spec} to completion like {@code docker run --rm}: creates, verifies, starts, waits
   * at most {@code timeout}, collects stdout and stderr (1 MiB of each, {@link RunResult#stdoutTruncated()}
   * says when more was dropped), and removes the container, whatever happens.
   *
   * @throws LaunchException naming the step when a launch step fails
   * @throws ContainerOperationException naming the step when a later one fails, {@link Step#WAIT} when
   *     the container did not exit within {@code timeout} (it is killed and removed)
   */
  public RunResult run(SecureContainerSpec spec, Duration timeout) {
    long t0 = System.nanoTime();
    RunningContainer c = launch(spec);
    try {
      OptionalInt exit = c.awaitExit(timeout);
      if (exit.isEmpty()) {
        throw new ContainerOperationException(Step.WAIT, spec.image(), c.id(),
            "container did not exit within " + timeout, null, null);
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
      ContainerLogs logs = c.logs();
      return new RunResult(c.id(), exit.getAsInt(), logs.stdout(), logs.stderr(), elapsed, logs.stdoutTruncated(),
          logs.stderrTruncated());
    } finally {
      c.close();
    }
  }

  /**
   * Creates, verifies and starts {@code asked}, and returns its handle. Close the handle to remove the
   * container. With an {@linkplain Builder#imageTrust image trust} whose rule matches the image, the
   * image is verified first and the spec launched is {@code asked} with its image pinned to the verified
   * digest ({@link RunningContainer#spec()}).
   *
   * @throws UntrustedImageException when the image trust refuses the image; nothing was created
   * @throws LaunchException naming the step; nothing is left on the engine
   */
  public RunningContainer launch(SecureContainerSpec asked) {
    Objects.requireNonNull(asked, "spec");
    SecureContainerSpec spec = pinnedIfTrusted(asked); // the checks judge what is created: by digest
    for (LaunchCheck check : checks) {
      check.check(spec);
    }
    warnAboutLoosening(spec);
    spec.runtime().name().ifPresent(runtime -> requireListedRuntime(spec, runtime));
    if (spec.cpusetCpus().isPresent() || spec.nanoCpus().isPresent()) {
      requireEngineCpus(spec);
    }
    if (spec.network().kind() == NetworkMode.Kind.NAMED) {
      networks.requireExists(spec.network().name(), spec.image());
    }
    for (NetworkAttachment extra : spec.additionalNetworks()) {
      networks.requireExists(extra.network().name(), spec.image());
    }
    if (pullPolicy == PullPolicy.ALWAYS) {
      pullImage(spec.image());
    }
    String id = create(spec);
    try {
      for (NetworkAttachment extra : spec.additionalNetworks()) {
        networks.connect(id, extra.network().name(), extra.aliases(), spec.image());
      }
      verify(spec, id);
      session.call(Step.START, spec.image(), id, () -> session.api().startContainerCmd(id).exec());
    } catch (RuntimeException | Error e) {
      try {
        session.remove(id);
      } catch (RuntimeException removal) {
        e.addSuppressed(removal);
      }
      throw e;
    }
    return new RunningContainer(session, id, spec);
  }

  /**
   * Creates the user-defined network {@code spec} describes ({@code docker network create}), with
   * this launcher's {@link OwnerLabels}, and verifies what the engine recorded (driver, internal,
   * subnet, labels). Attach containers with {@code network(net.mode())}; close the handle to remove the
   * network with its containers. A network made with {@link NetworkSpec.Builder#allowExternalAccess()}
   * is logged at WARN.
   *
   * @throws LaunchException step {@code create} naming the network (a name already taken, a subnet
   *     overlapping another network's); {@link RecordedMismatchException} when the engine recorded
   *     something else (the network is then removed). Nothing is left on the engine.
   */
  public ContainerNetwork createNetwork(NetworkSpec spec) {
    Objects.requireNonNull(spec, "network spec");
    if (!spec.internal()) {
      LOG.warn("creating network {} with external access: its containers can reach other hosts", spec.name());
    }
    return new ContainerNetwork(networks, networks.create(spec, labels), spec);
  }

  /**
   * {@code spec} with its image pinned to the digest the image trust resolved and verified; refuses
   * an image the trust does not allow. Unchanged without a trust or a matching rule.
   */
  private SecureContainerSpec pinnedIfTrusted(SecureContainerSpec spec) {
    if (imageTrust == null) {
      return spec;
    }
    ImageVerification v = TrustedImages.verify(imageTrust, spec.image(), registryCredentials,
        (image, digest, problem) -> LOG.warn("launching {} at {} without a verified signature: {}", image, digest,
            problem));
    String image = v.imageToLaunch();
    return image.equals(spec.image()) ? spec : spec.toBuilder().image(image).build();
  }

  private static void warnAboutLoosening(SecureContainerSpec spec) {
    if (spec.seccomp().kind() == Seccomp.Kind.UNCONFINED) {
      LOG.warn("launching {} with seccomp=unconfined: no system call filter", spec.image());
    }
    if (!spec.noNewPrivileges()) {
      LOG.warn("launching {} without no-new-privileges: processes may gain privileges", spec.image());
    }
    java.util.Set<String> unsafe = new java.util.TreeSet<>(spec.sysctls().keySet());
    unsafe.removeAll(SecureContainerSpec.KUBERNETES_SAFE_SYSCTLS);
    if (!unsafe.isEmpty()) {
      LOG.warn("launching {} with sysctls Kubernetes does not call safe: {}", spec.image(),
          String.join(", ", unsafe));
    }
    SecretLoggers.warnAtDebug(LOG);
  }

  /**
   * Refuses, before create, a cpuset or a CPU count beyond the engine's CPUs ({@code NCPU} of
   * {@code GET /info}, asked once per launcher), as the engine would at create.
   */
  private void requireEngineCpus(SecureContainerSpec spec) {
    int cpus = session.info(Step.CREATE, spec.image()).cpus();
    String has = cpus == 1 ? "0" : "0-" + (cpus - 1);
    List<String> problems = new ArrayList<>(); // both at once, as the spec's own problems are
    spec.cpusetCpus().ifPresent(set -> {
      if (set.highest() >= cpus) {
        problems.add("cpusetCpus must be within the engine's CPUs: " + set + " (engine has " + has + ")");
      }
    });
    spec.nanoCpus().ifPresent(nano -> {
      if (nano > cpus * 1_000_000_000L) {
        problems.add("nanoCpus must be at most the engine's CPUs: " + nano + " (engine has " + cpus
            + (cpus == 1 ? " CPU" : " CPUs") + ", " + cpus * 1_000_000_000L + ")");
      }
    });
    if (!problems.isEmpty()) {
      throw new LaunchException(Step.CREATE, spec.image(), null, String.join("; ", problems), null, null);
    }
  }

  /** Refuses, before create, a runtime the engine does not list; asks the engine once per launcher. */
  private void requireListedRuntime(SecureContainerSpec spec, String runtime) {
    Set<String> listed = session.runtimes(Step.CREATE, spec.image());
    if (!listed.contains(runtime)) {
      throw new LaunchException(Step.CREATE, spec.image(), null, "runtime must be one the engine lists: " + runtime
          + " (engine lists " + (listed.isEmpty() ? "none" : String.join(", ", listed))
          + "; register it under \"runtimes\" in the engine's daemon.json and reload dockerd)", null, null);
    }
  }

  /** Creates the container, pulling its image first when the engine lacks it and the policy allows. */
  private String create(SecureContainerSpec spec) {
    try {
      return session.create(spec, labels);
    } catch (ImageNotFoundException e) {
      if (pullPolicy == PullPolicy.NEVER) {
        throw new ImageNotFoundException(Step.CREATE, spec.image(),
            "image is not on the engine and the pull policy is never", e.daemonMessage().orElse(null), e.getCause());
      }
    }
    pullImage(spec.image());
    return session.create(spec, labels);
  }

  /**
   * Pulls {@code image} from its registry, as {@code docker pull}, with this launcher's
   * {@linkplain Builder#registryCredentials registry credentials} and
   * {@linkplain Builder#pullProgress progress listener}, whatever the pull policy; waits at most the
   * {@linkplain Builder#streamTimeout stream timeout}.
   *
   * @throws IllegalArgumentException when {@code image} is not a valid image reference
   * @throws RegistryAuthenticationException when the registry needs a login and no credentials were
   *     found for it, refused those sent, or the credentials could not be read (a credential helper
   *     absent or failing); the message names the registry and the user, never a password
   * @throws ImageNotFoundException when the registry does not have the image, or the pull failed
   * @throws LaunchException step {@code pull}, when the engine could not reach the registry at all
   *     (connection refused, unknown host, no route, timeout)
   */
  public void pull(String image) {
    Objects.requireNonNull(image, "image");
    ImageReference.problem(image).ifPresent(problem -> {
      throw new IllegalArgumentException(problem);
    });
    pullImage(image);
  }

  private void pullImage(String image) {
    String registry = ImageReference.registry(image);
    RegistryAuth auth = null;
    if (registryCredentials != null) {
      Optional<RegistryAuth> found;
      try {
        found = registryCredentials.lookup(registry);
      } catch (DockerConfigCredentials.Unreadable e) {
        throw new RegistryAuthenticationException(Step.PULL, image, registry, null, "credentials for registry "
            + registry + " could not be read: " + e.getMessage(), null, e);
      }
      auth = found.orElse(null);
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("pulling {} from {} {}", image, registry, registryCredentials == null
          ? "with the docker-java client's own registry configuration"
          : auth == null ? "anonymously (no credentials in " + registryCredentials + ")"
          : "as " + auth.who() + " (credentials from " + auth.source() + ")");
    }
    new RegistryPull(session).pull(image, auth, registryCredentials == null ? null : registryCredentials.toString(), pullProgress);
  }

  private void verify(SecureContainerSpec spec, String id) {
    JsonNode recorded;
    try {
      recorded = session.inspectRaw(id);
    } catch (RuntimeException e) {
      throw session.fail(Step.VERIFY, spec.image(), id, e);
    }
    List<String> mismatches = RecordedVerifier.mismatches(spec, recorded);
    if (!mismatches.isEmpty()) {
      throw new RecordedMismatchException(spec.image(), id, mismatches);
    }
  }

  /**
   * Removes every Carapace container on the engine whose creating process has died on this host
   * (its pid is gone or now belongs to another process) and had this launcher's identity: the same
   * host, OS user and application name ({@link Builder#applicationName(String)}). These are the
   * leftovers of a crash or {@code kill -9} of this application. Containers of live processes, of
   * other hosts, of other applications or users, and those made by Carapace 0.1 (which carry no
   * identity: see {@link OwnerLabels}) are left alone. Then removes the networks such processes
   * created, each after its containers, as {@link ContainerNetwork#remove()} does.
   *
   * @return the ids removed: the containers', then the networks'
   * @see #cleanupLeftoversOfAllApplications()
   */
  public List<String> cleanupLeftovers() {
    return removeWhere(EngineOwner.Cleanup.LEFTOVERS);
  }

  /**
   * Removes every Carapace container on the engine whose creating process has died on this host,
   * whatever its application and user, those made by Carapace 0.1 included; then the networks such
   * processes created, each after its containers. Containers of live processes and of other hosts are
   * left alone. For operators and for a host's one-off cleanup (after an upgrade from 0.1); an
   * application's own cleanup is {@link #cleanupLeftovers()}.
   *
   * @return the ids removed: the containers', then the networks'
   */
  public List<String> cleanupLeftoversOfAllApplications() {
    return removeWhere(EngineOwner.Cleanup.LEFTOVERS_OF_ALL_APPLICATIONS);
  }

  /**
   * Removes every Carapace-managed container on the engine, whoever created it, then every
   * Carapace-managed network. For test suites and operators; running containers are killed.
   *
   * @return the ids removed: the containers', then the networks'
   */
  public List<String> cleanupAll() {
    return removeWhere(EngineOwner.Cleanup.ALL);
  }

  private List<String> removeWhere(EngineOwner.Cleanup whose) {
    List<Container> containers;
    try {
      containers = session.list(Map.of(OwnerLabels.MANAGED, "true"));
    } catch (RuntimeException e) {
      throw session.fail(Step.CLEANUP, "*", null, e);
    }
    List<String> removed = new ArrayList<>();
    for (Container c : owner.select(whose, containers, Container::getLabels)) {
      try {
        session.remove(c.getId());
      } catch (RuntimeException e) {
        throw session.fail(Step.CLEANUP, c.getImage(), c.getId(), e);
      }
      removed.add(c.getId());
    }
    removed.addAll(removeNetworksWhere(whose));
    return removed;
  }

  /** After their containers: the managed networks whose owner matches, each with what joined since. */
  private List<String> removeNetworksWhere(EngineOwner.Cleanup whose) {
    List<com.github.dockerjava.api.model.Network> managed;
    try {
      managed = networks.list(Map.of(OwnerLabels.MANAGED, "true"));
    } catch (RuntimeException e) {
      throw session.fail(Step.CLEANUP, "networks", null, e);
    }
    List<String> removed = new ArrayList<>();
    for (com.github.dockerjava.api.model.Network n
        : owner.select(whose, managed, com.github.dockerjava.api.model.Network::getLabels)) {
      networks.remove(n.getId(), EngineNetworks.subject(n.getName()), Step.CLEANUP);
      removed.add(n.getId());
    }
    return removed;
  }

  /** The owner's identity labels (host, user, application), for tests that make leftovers of it. */
  Map<String, String> identity() {
    return owner.identity();
  }

  /** The engine session, for {@link ContainerMetrics}. */
  EngineSession session() {
    return session;
  }

  /** This launcher's id, the value of {@value OwnerLabels#LAUNCHER} on its containers. */
  public String id() {
    return owner.id();
  }

  /**
   * The docker-java client this launcher's calls go through, for what Carapace leaves to docker-java or
   * to other Carapace types on the same engine (an {@code EngineAudit}, a {@code PolicyCheck} reading
   * images), so that they reuse this launcher's connection, TLS and credentials instead of a second
   * client:
   *
   * <pre>{@code
   * try (EngineAudit audit = EngineAudit.builder().dockerClient(launcher.dockerClient()).build()) {
   *   audit.audit(Profiles.cisDocker());
   * }
   * }</pre>
   *
   * <p>It is the caller's own client when the launcher was built with {@link Builder#dockerClient};
   * otherwise the launcher's, each response bounded by the endpoint's response timeout, open until
   * the launcher {@linkplain #close() closes}. <b>Do not close it</b>: the launcher does.
   */
  public DockerClient dockerClient() {
    return owner.dockerClient();
  }

  /**
   * Removes every network this launcher created that is still on the engine, each after its
   * containers, and every container it created, then closes its connections (never a caller's
   * {@link Builder#dockerClient}). Idempotent. When a create's answer was lost (a timeout, a dropped
   * connection), the engine may have made the container or network anyway: the next call looks for it
   * (by its {@value OwnerLabels#CREATE} label) and removes it, and close waits for it, at most 5 s after
   * the engine answered again, before it removes the rest.
   *
   * @throws ContainerOperationException step {@code remove}, when a container or network could not be removed
   */
  @Override
  public void close() {
    // the networks of creates given up on first: then every network is removed with its containers
    owner.close(session::settleCreatesInDoubt, networks::close);
  }
}
