package dev.carapace.cluster;

import static com.github.dockerjava.transport.DockerHttpClient.Request.Method.DELETE;
import static com.github.dockerjava.transport.DockerHttpClient.Request.Method.GET;
import static com.github.dockerjava.transport.DockerHttpClient.Request.Method.POST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import dev.carapace.cluster.SwarmException.Step;
import dev.carapace.core.Endpoint;
import dev.carapace.core.ImageTrust;
import dev.carapace.core.OwnerLabels;
import dev.carapace.core.RegistryCredentials;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.UntrustedImageException;
import dev.carapace.core.internal.engine.EngineOwner;
import dev.carapace.core.internal.values.CoreAccess;
import dev.carapace.core.internal.values.TrustedImages;
import dev.carapace.policy.ContainerView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link SecureContainerSpec}s as replicated Docker Swarm services, with the honesty of
 * {@code ContainerLauncher}: a field the engine cannot carry is refused before any call, never dropped,
 * and every running task's container is inspected and compared with the spec.
 *
 * <pre>{@code
 * try (SwarmDeployer swarm = SwarmDeployer.connect(Endpoint.fromEnvironment())) {
 *   SwarmService web = swarm.deploy(spec, SwarmDeployment.builder("web").replicas(3)
 *       .acceptLoss(SpecAttribute.NO_NEW_PRIVILEGES).build(), Duration.ofSeconds(60));
 *   web.scale(1, Duration.ofSeconds(60));
 *   web.remove();
 * }
 * }</pre>
 *
 * <p>The engine's API version ({@code GET /version}, asked once when the deployer is built) decides
 * what a service carries: on 1.41 (engine 20.10) capabilities, user, read-only root, mounts, memory,
 * CPUs, pids, ulimits, SELinux label, log driver, health check, init and stop settings; from 1.44 also
 * no-new-privileges, the seccomp choice and AppArmor off. Cpuset, cpu shares, quota and period, swap,
 * a host IP on a published port, {@code --network none} and a named runtime are never carried. A spec
 * asking for what cannot be carried is refused with an {@link UncarriableSpecException} listing every
 * such field, unless the deployment accepted each loss by name
 * ({@link SwarmDeployment.Builder#acceptLoss}); accepted losses are logged as warnings and recorded in
 * {@link #policyView}, where the policy rule {@code accepted-loss} reports them.
 *
 * <p>{@link #deploy} creates the service, waits until its replicas run, and verifies twice, because
 * the engine drops unknown fields silently: the service as recorded holds every field sent, and each
 * running task's container (found by its {@code com.docker.swarm.service.id} and
 * {@code com.docker.swarm.task.id} labels) holds what the spec asked. A mismatch, a task that fails
 * to start or a timeout removes the service and throws.
 *
 * <p>Every service, and every task's container, carries the {@link OwnerLabels}, with the owner's
 * identity: host, OS user and application name ({@link Builder#applicationName(String)});
 * {@link #close()} removes this deployer's services still present, {@link #cleanupLeftovers()} those
 * of processes of the same identity that died without closing, and
 * {@link #cleanupLeftoversOfAllApplications()} those of every dead process of this host. The engine must be a swarm manager ({@code docker swarm init}).
 *
 * <p>A deployer not closed when its JVM ends (main returns, {@code System.exit}, SIGTERM, SIGINT) is
 * closed by the JVM shutdown hook core's launchers share (at most 10 s for all of them), which logs at
 * INFO the services it removed; {@link Builder#keepOnExit()} opts out. {@code kill -9} runs no hook: the
 * reaper child process then removes the services ({@link Builder#withoutReaper()} opts out). A power
 * cut, or a kill of the whole process group or cgroup, ends the reaper too: the next deployer or
 * launcher of the same identity removes what such a process left when it starts its reaper
 * ({@link Builder#withoutLeftoverSweep()} opts out).
 */
public final class SwarmDeployer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SwarmDeployer.class);

  private final EngineOwner owner;
  private final SwarmEngine engine;
  private final SwarmApi api;
  private final String apiVersion;
  private final String engineVersion;
  private final Map<String, String> labels;
  private final ImageTrust imageTrust;
  private final RegistryCredentials registryCredentials;
  /** The names of the services tracked, by id. */
  private final Map<String, String> names = new java.util.concurrent.ConcurrentHashMap<>();

  private SwarmDeployer(Builder b) {
    this.owner = EngineOwner.open(b.connection, LOG);
    this.labels = owner.labels();
    this.imageTrust = b.imageTrust;
    this.registryCredentials = b.registryCredentials;
    SwarmEngine e;
    try {
      e = new SwarmEngine(owner.session());
      JsonNode version = e.call(Step.VERSION, "*", GET, "/version", null);
      this.apiVersion = version.path("ApiVersion").asText();
      this.engineVersion = version.path("Version").asText();
      this.api = b.pretendApi != null ? SwarmApi.of(b.pretendApi) : SwarmApi.of(apiVersion);
      e.useVersion(apiVersion);
    } catch (RuntimeException | Error failure) {
      owner.close();
      throw failure;
    }
    this.engine = e;
    owner.removeOnExit(this::onEngine, this::close);
  }

  /** This deployer's services still on the engine, as the exit log names them. */
  private List<String> onEngine() {
    List<String> out = new ArrayList<>();
    owner.tracked().forEach(id -> out.add("service " + names.getOrDefault(id, id)));
    return out;
  }

  /** A deployer for {@code endpoint}; asks the engine its API version. */
  public static SwarmDeployer connect(Endpoint endpoint) {
    return builder().endpoint(endpoint).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Configures a deployer. */
  public static final class Builder {
    private final EngineOwner.Connection connection = new EngineOwner.Connection("deployer");
    private String pretendApi;
    private ImageTrust imageTrust;
    private RegistryCredentials registryCredentials;

    private Builder() {}

    /**
     * Tests only: decides what a service carries as for an engine of {@code apiVersion}, while requests
     * still go under the engine's own version; shows what an older engine drops silently.
     */
    Builder pretendApiVersion(String apiVersion) {
      this.pretendApi = apiVersion;
      return this;
    }

    /**
     * The engine, a swarm manager; the deployer opens its own connections and closes them in
     * {@link SwarmDeployer#close()}. If unset (and no {@link #dockerClient}), {@link Endpoint#fromEnvironment()}.
     */
    public Builder endpoint(Endpoint endpoint) {
      connection.endpoint(endpoint);
      return this;
    }

    /**
     * Uses the docker-java client the application already has. <b>The deployer never closes it.</b>
     * Swarm calls are sent as raw JSON through its transport, so it must expose one
     * ({@code DockerClientImpl.getInstance(config, httpClient)}); each call is bounded by 60 s.
     */
    public Builder dockerClient(DockerClient client) {
      connection.dockerClient(client);
      return this;
    }

    /** How long a log read may take. If unset, 60 s. */
    public Builder streamTimeout(Duration timeout) {
      connection.streamTimeout(timeout);
      return this;
    }

    /**
     * <b>Leaves this deployer's services on the engine when the JVM ends without
     * {@link SwarmDeployer#close()}</b> (main returns, {@code System.exit}, SIGTERM, SIGINT): they keep
     * running, until {@code close()}, or until a {@code cleanupLeftovers()} in a later process removes
     * them. Logged at INFO when the deployer is built.
     *
     * <p>If unset, the deployer is removed at exit: one JVM shutdown hook closes every deployer and
     * launcher not closed yet, removing its services, and logs at INFO what it removed; it waits at
     * most 10 s for them all, so a hung engine never hangs the exit.
     */
    public Builder keepOnExit() {
      connection.keepOnExit();
      return this;
    }

    /**
     * <b>No reaper for this deployer: its services stay on the engine when the JVM dies without running
     * its exit hook</b> ({@code kill -9}, an OOM kill), until a {@code cleanupLeftovers()}. If unset, the
     * reaper child process removes them then, as it does a launcher's containers
     * ({@code ContainerLauncher.Builder.withoutReaper()}). <b>No start-up sweep either</b>
     * ({@link #withoutLeftoverSweep()}): a deployer without a reaper removes nothing of dead processes.
     */
    public Builder withoutReaper() {
      connection.withoutReaper();
      return this;
    }

    /**
     * <b>Leaves on the engine what dead processes of this deployer's identity left</b> (host, OS user,
     * {@link #applicationName}), until a {@code cleanupLeftovers()}. Logged at INFO when the deployer
     * is built.
     *
     * <p>If unset, the deployer sweeps when it starts its reaper, as a launcher does
     * ({@code ContainerLauncher.Builder.withoutLeftoverSweep()}): on a thread of its own, it removes the
     * services, containers and networks of dead processes of its identity that would have removed them
     * at their exit (not those deployed with {@code keepOnExit()}), and logs at INFO what it removed.
     * That covers the deaths the reaper dies in too: a power cut, a kill of the whole process group or
     * cgroup. Set this to read a dead run's services before removing them yourself.
     */
    public Builder withoutLeftoverSweep() {
      connection.withoutLeftoverSweep();
      return this;
    }

    /**
     * The name of the application this deployer works for, the value of
     * {@value OwnerLabels#APPLICATION} on what it creates: with the host and the OS user, the identity
     * whose leftovers {@link SwarmDeployer#cleanupLeftovers()} removes. If unset, the main class of the
     * JVM, or for {@code java -jar app.jar} {@code app}; {@code unnamed} when neither can be told (as
     * {@code ContainerLauncher.Builder.applicationName}).
     *
     * @throws IllegalArgumentException when {@code name} is empty, longer than 255 characters, holds a
     *     control character (NUL included) or begins or ends with white space
     */
    public Builder applicationName(String name) {
      connection.applicationName(name);
      return this;
    }

    /**
     * Verifies each service's image before it is created, as {@code trust}'s rules say, with the same code
     * as {@code ContainerLauncher.Builder.imageTrust(..)}: an image a rule matches is resolved to its
     * manifest digest once, its cosign signatures are verified, and the service is created by that digest
     * ({@code ContainerSpec.Image} is {@code repository@sha256:...}), so every task on every node runs the
     * content verified and a tag moved later changes no task, not even one rescheduled or scaled. The
     * service as recorded and each task's container are verified to hold that digest, and
     * {@link SwarmService#spec()} names it. Refused ({@link ImageTrust.Rule#REQUIRE_SIGNATURE} without a
     * verified signature, or a digest that cannot be resolved): an {@link UntrustedImageException} naming
     * the image, the digest and the reason, before any call to the engine. {@link ImageTrust.Rule#WARN_IF_UNSIGNED}:
     * deployed by its digest, with a WARN log. The registry is reached with the trust's
     * {@link dev.carapace.core.RegistryAccess}, whose credentials default to this deployer's
     * {@linkplain #registryCredentials registry credentials}. If unset,
     * images are deployed as named, unverified (as {@code docker service create --no-resolve-image}).
     */
    public Builder imageTrust(ImageTrust trust) {
      this.imageTrust = Objects.requireNonNull(trust, "image trust");
      return this;
    }

    /**
     * The credentials the nodes pull each service's image with: sent with the create as the
     * {@code X-Registry-Auth} header, as {@code docker service create --with-registry-auth} sends the CLI's
     * (the engine keeps them with the service, for every node that starts one of its tasks; never logged
     * here). Also the credentials of an {@linkplain #imageTrust image trust} whose
     * {@link dev.carapace.core.RegistryAccess} has none, as for a launcher. If unset, nothing is sent: a
     * node pulls anonymously, or runs the image it already has (a digest it has is not pulled again).
     */
    public Builder registryCredentials(RegistryCredentials credentials) {
      this.registryCredentials = Objects.requireNonNull(credentials, "registry credentials");
      return this;
    }

    /**
     * Connects and asks the engine its API version ({@code GET /version}).
     *
     * @throws SwarmException step {@code version} when the engine does not answer
     * @throws IllegalArgumentException when the engine's API is older than 1.41
     */
    public SwarmDeployer build() {
      return new SwarmDeployer(this);
    }
  }

  /** The engine's API version, as {@code GET /version} said, e.g. {@code 1.41}. */
  public String apiVersion() {
    return apiVersion;
  }

  /** The target as losses name it: {@code swarm on API 1.41 (engine 20.10.24)}. */
  public String target() {
    return "swarm on API " + apiVersion + " (engine " + engineVersion + ")";
  }

  /** This deployer's id, the value of {@value OwnerLabels#LAUNCHER} on its services and containers. */
  public String id() {
    return owner.id();
  }

  /** Every field of {@code spec} this engine cannot carry as a service, in the spec's attribute order. */
  public List<Loss> losses(SecureContainerSpec spec) {
    Objects.requireNonNull(spec, "spec");
    List<Loss> out = new ArrayList<>();
    SwarmField.losses(spec, api).forEach((f, reason) -> out.add(new Loss(f.attribute(), target(), reason)));
    return out;
  }

  /**
   * The policy module's view of {@code spec} deployed as {@code deployment} here: the spec's facts,
   * with each loss the deployment accepted recorded, for the rule {@code accepted-loss}.
   *
   * <pre>{@code
   * PolicyReport r = Profiles.carapaceDefault().evaluate(swarm.policyView(spec, deployment));
   * }</pre>
   */
  public ContainerView policyView(SecureContainerSpec spec, SwarmDeployment deployment) {
    ContainerView view = ContainerView.of(spec);
    for (Loss loss : accepted(spec, deployment)) {
      view = view.acceptingLoss(loss.attribute().builderName(), loss.target(), loss.reason());
    }
    return view;
  }

  /**
   * The request body {@link #deploy} sends ({@code POST /services/create}): a {@code ServiceSpec} as
   * JSON text, <b>env values included</b> (so not public). Refuses as {@link #deploy} does.
   */
  String request(SecureContainerSpec spec, SwarmDeployment deployment) {
    refuse(spec, deployment);
    return SwarmRequest.of(spec, deployment, api, labels).toString();
  }

  private List<Loss> accepted(SecureContainerSpec spec, SwarmDeployment deployment) {
    List<Loss> out = new ArrayList<>();
    for (Loss loss : losses(spec)) {
      if (deployment.acceptedLosses().contains(loss.attribute())) {
        out.add(loss);
      }
    }
    return out;
  }

  /**
   * The {@code ServiceSpec} a Swarm manager on Engine API 1.44 or later (Docker 25+) takes at
   * {@code POST /services/create} for {@code spec} deployed as {@code deployment}, as JSON text, written
   * without an engine: for review, or for {@code curl --unix-socket /var/run/docker.sock -H
   * 'Content-Type: application/json' -d @spec.json http://localhost/v1.44/services/create}. It carries no owner
   * labels (nothing removes the service when a program exits: whoever creates it owns it) and <b>holds the env
   * values</b>. {@code docker service create} has no flags for no-new-privileges, seccomp or AppArmor, so no
   * command line would mean the same.
   *
   * @throws UncarriableSpecException listing every field API 1.44 cannot carry whose loss {@code deployment}
   *     did not accept
   */
  public static String serviceSpec(SecureContainerSpec spec, SwarmDeployment deployment) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(deployment, "deployment");
    deployment.serviceName(spec);
    deployment.restartCondition(spec);
    String target = "swarm on API " + SwarmApi.V1_44.version();
    List<Loss> refused = new ArrayList<>();
    SwarmField.losses(spec, SwarmApi.V1_44).forEach((f, reason) -> {
      if (!deployment.acceptedLosses().contains(f.attribute())) {
        refused.add(new Loss(f.attribute(), target, reason));
      }
    });
    if (!refused.isEmpty()) {
      throw new UncarriableSpecException(target, refused);
    }
    return SwarmRequest.of(spec, deployment, SwarmApi.V1_44, Map.of()).toPrettyString();
  }

  /** Throws, before any call, for every loss not accepted; returns the accepted ones. */
  private List<Loss> refuse(SecureContainerSpec spec, SwarmDeployment deployment) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(deployment, "deployment");
    deployment.serviceName(spec);
    deployment.restartCondition(spec);
    List<Loss> refused = new ArrayList<>();
    List<Loss> accepted = new ArrayList<>();
    for (Loss loss : losses(spec)) {
      (deployment.acceptedLosses().contains(loss.attribute()) ? accepted : refused).add(loss);
    }
    if (!refused.isEmpty()) {
      throw new UncarriableSpecException(target(), refused);
    }
    return accepted;
  }

  /**
   * Deploys {@code spec} as a replicated service, waits at most {@code timeout} until
   * {@link SwarmDeployment#replicas()} tasks run, and verifies the service and each running task's
   * container. Close or {@link SwarmService#remove()} the handle to remove the service.
   *
   * With an {@linkplain Builder#imageTrust image trust} whose rule matches the image, the image is
   * verified first and the service runs {@code spec} with its image pinned to the verified digest
   * ({@link SwarmService#spec()}).
   *
   * @throws UncarriableSpecException before any call, listing every field this engine cannot carry
   *     whose loss the deployment did not accept
   * @throws UntrustedImageException before any call to the engine, when the image trust refuses the image
   * @throws dev.carapace.core.RegistryAuthenticationException before any call, when the
   *     {@linkplain Builder#registryCredentials registry credentials} could not be read
   * @throws SwarmException naming the step; nothing is left on the engine
   */
  public SwarmService deploy(SecureContainerSpec asked, SwarmDeployment deployment, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    refuse(asked, deployment);
    String name = deployment.serviceName(asked);
    SecureContainerSpec spec = pinnedIfTrusted(asked, name);
    List<Loss> accepted = refuse(spec, deployment);
    for (Loss loss : accepted) {
      LOG.warn("deploying service {} without {} (loss accepted): {}: {}", name, loss.attribute(), loss.target(),
          loss.reason());
    }
    ObjectNode body = SwarmRequest.of(spec, deployment, api, labels);
    String auth = registryCredentials == null ? null : CoreAccess.get()
        .registryAuthHeader(registryCredentials, spec.image(), dev.carapace.core.EngineException.Step.PULL).orElse(null);
    JsonNode created = engine.call(Step.CREATE, name, POST, "/services/create", body, auth);
    String id = created.path("ID").asText();
    names.put(id, name);
    owner.track(id);
    SwarmService service = new SwarmService(this, engine, api, spec, id, name, body);
    try {
      service.awaitRunning(deployment.replicas(), timeout);
    } catch (RuntimeException | Error e) {
      try {
        service.remove();
      } catch (RuntimeException removal) {
        e.addSuppressed(removal);
      }
      throw e;
    }
    return service;
  }

  /**
   * {@code spec} with its image pinned to the digest the image trust resolved and verified; refuses an
   * image the trust does not allow. Unchanged without a trust or a matching rule.
   */
  private SecureContainerSpec pinnedIfTrusted(SecureContainerSpec spec, String service) {
    if (imageTrust == null) {
      return spec;
    }
    String image = TrustedImages.verify(imageTrust, spec.image(), registryCredentials,
        (asked, digest, problem) -> LOG.warn("deploying service {} of {} at {} without a verified signature: {}",
            service, asked, digest, problem)).imageToLaunch();
    return image.equals(spec.image()) ? spec : spec.toBuilder().image(image).build();
  }

  void forget(String serviceId) {
    owner.forget(serviceId);
    names.remove(serviceId);
  }

  /**
   * Removes every Carapace service on the engine whose deploying process died on this host and had
   * this deployer's identity (host, OS user, application name): the leftovers of a crash or
   * {@code kill -9} of this application. Services of live processes, of other hosts, of other
   * applications or users, and those deployed by Carapace 0.1 (no identity labels) stay.
   *
   * @return the names of the services removed
   * @see #cleanupLeftoversOfAllApplications()
   */
  public List<String> cleanupLeftovers() {
    return removeWhere(EngineOwner.Cleanup.LEFTOVERS);
  }

  /**
   * Removes every Carapace service on the engine whose deploying process died on this host, whatever
   * its application and user, those of Carapace 0.1 included. Services of live processes and other
   * hosts stay.
   *
   * @return the names of the services removed
   */
  public List<String> cleanupLeftoversOfAllApplications() {
    return removeWhere(EngineOwner.Cleanup.LEFTOVERS_OF_ALL_APPLICATIONS);
  }

  /** Removes every Carapace service on the engine, whoever deployed it. For test suites and operators. */
  public List<String> cleanupAll() {
    return removeWhere(EngineOwner.Cleanup.ALL);
  }

  private List<String> removeWhere(EngineOwner.Cleanup whose) {
    JsonNode services = engine.call(Step.CLEANUP, "*", GET,
        "/services?" + SwarmEngine.filters("label", OwnerLabels.MANAGED + "=true"), null);
    List<String> removed = new ArrayList<>();
    for (JsonNode s : covered(whose, services, owner.identity())) {
      String name = s.path("Spec").path("Name").asText();
      removeService(Step.CLEANUP, s.path("ID").asText(), name);
      removed.add(name);
    }
    return removed;
  }

  /**
   * Of {@code services} (as {@code GET /services} lists them), those {@code whose} removes for an
   * owner of {@code identity}, by each one's {@code Spec.Labels}.
   */
  static List<JsonNode> covered(EngineOwner.Cleanup whose, JsonNode services, Map<String, String> identity) {
    return whose.select(SwarmField.iterable(services), SwarmDeployer::labelsOf, identity);
  }

  private static Map<String, String> labelsOf(JsonNode service) {
    Map<String, String> labels = new java.util.HashMap<>();
    service.path("Spec").path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  /**
   * Removes the service, then waits (within the response timeout) until its task containers are gone,
   * so that the engine is as before.
   */
  void removeService(Step step, String id, String name) {
    try {
      engine.call(step, name, DELETE, "/services/" + id, null);
    } catch (SwarmException e) {
      if (!e.daemonMessage().map(m -> m.contains("not found")).orElse(false)) {
        throw e;
      }
    }
    forget(id);
    Instant end = Instant.now().plus(engine.session().responseTimeout());
    String filter = "/containers/json?all=1&" + SwarmEngine.filters("label", "com.docker.swarm.service.id=" + id);
    while (true) {
      JsonNode left = engine.call(step, name, GET, filter, null);
      if (left == null || left.isEmpty()) {
        return;
      }
      if (Instant.now().isAfter(end)) {
        throw new SwarmException(step, name, left.size() + " task container(s) still present "
            + engine.session().responseTimeout() + " after removal", null, null);
      }
      sleep(SwarmEngine.poll());
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Removes this deployer's services still on the engine, then closes its connections (never a
   * caller's client). Idempotent.
   *
   * @throws SwarmException step {@code remove}, for the first service that could not be removed
   */
  @Override
  public void close() {
    owner.close(this::removeTracked);
  }

  /** Removes every service still tracked; throws the first failure once all were tried. */
  private void removeTracked() {
    SwarmException first = null;
    for (String id : owner.tracked()) {
      try {
        removeService(Step.REMOVE, id, id);
      } catch (SwarmException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
