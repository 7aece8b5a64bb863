package dev.carapace.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.EngineException.Step;
import dev.carapace.core.internal.values.CoreAccess;
import dev.carapace.core.internal.values.JsonTrees;
import dev.carapace.core.internal.engine.EngineOwner;
import dev.carapace.core.internal.engine.EngineSession;
import dev.carapace.core.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * Audits the containers running on an engine, like docker-bench-security's section 5 but exact: it
 * reads each container's raw inspect JSON ({@code GET /containers/{id}/json}, including
 * {@code AppArmorProfile}, {@code MaskedPaths} and {@code ReadonlyPaths}, which docker-java's model
 * lacks) and judges it with the same rules as a spec before launch, plus those only a running
 * container can break (privileged, host namespaces, devices, the engine's socket). One report
 * covers every container, names each one's runtime ({@code HostConfig.Runtime}: {@code runc},
 * {@code runsc} for gVisor), and notes the rules the engine's host cannot enforce.
 *
 * <pre>{@code
 * try (EngineAudit audit = EngineAudit.connect(Endpoint.fromEnvironment())) {
 *   PolicyReport report = audit.audit(Profiles.cisDocker());
 *   System.out.println(report.toText());
 * }
 * }</pre>
 *
 * <p>It opens its own connection to an {@link Endpoint}, or uses a docker-java client the application
 * already has ({@link Builder#dockerClient}), such as a launcher's, which it then never closes:
 *
 * <pre>{@code
 * EngineAudit audit = EngineAudit.builder().dockerClient(launcher.dockerClient()).build();
 * }</pre>
 *
 * <p>Every call is bounded by the response timeout (60 s with a caller's client).
 *
 * <p>Read-only: it lists and inspects, never creates, changes or stops anything.
 */
public final class EngineAudit implements AutoCloseable {
  /** An image id as the engine names it in a container's inspect ({@code sha256:...}). */
  private static final Pattern IMAGE_ID = Pattern.compile("[a-z0-9]+:[a-f0-9]{32,128}");
  /** How many containers an audit inspects at once: enough to overlap the engine's answers, few enough for it. */
  private static final int INSPECT_CONCURRENCY = 4;

  private final EngineSession session;
  /** The raw transport, for the inspect JSON docker-java's model lacks; null when the client hides it. */
  private final DockerHttpClient http;
  private final String engine;

  private EngineAudit(Builder b) {
    this.session = b.connection.open(Map.of());
    this.http = session.transport().orElse(null);
    this.engine = !b.connection.callersClient() ? session.engine()
        : http != null ? http.toString() : session.api().getClass().getName();
  }

  /**
   * Opens a connection to {@code endpoint}, with its TLS and basic-auth credentials; close the audit
   * to close it. The same as {@code builder().endpoint(endpoint).build()}.
   */
  public static EngineAudit connect(Endpoint endpoint) {
    return builder().endpoint(endpoint).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Configures an audit: the engine, through an endpoint or the caller's client. Sends nothing yet. */
  public static final class Builder {
    private final EngineOwner.Connection connection = new EngineOwner.Connection("audit");

    private Builder() {}

    /**
     * The engine to audit; the audit opens its own connection to it and closes it in
     * {@link EngineAudit#close()}. If unset (and no {@link #dockerClient}), {@link Endpoint#fromEnvironment()}.
     *
     * @throws IllegalStateException when {@link #dockerClient} is already set
     */
    public Builder endpoint(Endpoint endpoint) {
      connection.endpoint(endpoint);
      return this;
    }

    /**
     * Audits through the docker-java client the application already has, a launcher's
     * ({@code ContainerLauncher#dockerClient()}) included. <b>The audit never closes it.</b> Containers
     * are listed and inspected as raw JSON through its transport, so for those it must expose one (any
     * client made by {@code DockerClientImpl.getInstance(config, httpClient)}, every launcher's);
     * {@link EngineAudit#engineSecurity()} and {@link EngineAudit#imageFacts} work with any client.
     *
     * @throws IllegalStateException when {@link #endpoint} is already set
     */
    public Builder dockerClient(DockerClient client) {
      connection.dockerClient(client);
      return this;
    }

    public EngineAudit build() {
      return new EngineAudit(this);
    }
  }

  /** What the engine's host enforces ({@code GET /info}'s {@code SecurityOptions}). */
  public EngineSecurity engineSecurity() {
    List<String> options = new ArrayList<>();
    if (http == null) {
      List<String> listed = session.bounded(() -> session.api().infoCmd().exec().getSecurityOptions());
      options.addAll(listed == null ? List.of() : listed);
    } else {
      get("/info").path("SecurityOptions").forEach(n -> options.add(n.asText()));
    }
    return EngineSecurity.parse(options);
  }

  /**
   * {@link #engineSecurity()} read on a daemon thread of its own ({@code carapace-audit-info}), never on a shared
   * pool: the call blocks on the engine, bounded by the response timeout. For
   * {@link #audit(Policy, Map, CompletionStage)}, which waits for it only once the containers are inspected, when
   * the caller needs the same answer for the engine's own findings.
   */
  public CompletableFuture<EngineSecurity> engineSecurityAsync() {
    return CompletableFuture.supplyAsync(this::engineSecurity, r -> {
      Thread t = new Thread(r, "carapace-audit-info");
      t.setDaemon(true);
      t.start();
    });
  }

  /**
   * What image {@code image} sets that a spec may leave to it, {@code USER} and {@code HEALTHCHECK}
   * ({@code docker image inspect}). Read-only.
   *
   * @throws com.github.dockerjava.api.exception.NotFoundException when the engine lacks the image
   */
  public ImageFacts imageFacts(String image) {
    Objects.requireNonNull(image, "image must not be null");
    return ImageFacts.of(image, session.bounded(() -> session.api().inspectImageCmd(image).exec()));
  }

  /** The ids of the running containers, or of all when {@code all}, optionally those with every label given. */
  public List<String> containerIds(boolean all, Map<String, String> labels) {
    StringBuilder path = new StringBuilder("/containers/json?all=").append(all);
    if (!labels.isEmpty()) {
      StringBuilder filter = new StringBuilder("{\"label\":[");
      boolean first = true;
      for (Map.Entry<String, String> e : labels.entrySet()) {
        filter.append(first ? "" : ",").append('"')
            .append(JsonStringEncoder.getInstance().quoteAsString(e.getKey() + "=" + e.getValue())).append('"');
        first = false;
      }
      filter.append("]}");
      path.append("&filters=").append(URLEncoder.encode(filter.toString(), StandardCharsets.UTF_8));
    }
    List<String> ids = new ArrayList<>();
    get(path.toString()).forEach(n -> ids.add(n.path("Id").asText()));
    return ids;
  }

  /**
   * The facts of one container ({@code GET /containers/{id}/json}), knowing what the engine's host
   * enforces.
   */
  public ContainerView inspect(String containerId) {
    return inspect(containerId, engineSecurity());
  }

  private ContainerView inspect(String containerId, EngineSecurity security) {
    return knowingImage(InspectParser.parse(get(inspectPath(containerId), false)).knowingEngine(security),
        new HashMap<>());
  }

  /**
   * {@code view} knowing the facts of the image it runs ({@code GET /images/{id}/json}, once per image id
   * in {@code seen}): its {@code RepoDigests}, which the rule {@code image-pinned} quotes. An image removed
   * since the container was created leaves them unknown.
   */
  private ContainerView knowingImage(ContainerView view, Map<String, Optional<ImageFacts>> seen) {
    if (view.imageId().isEmpty()) {
      return view;
    }
    Optional<ImageFacts> facts = seen.computeIfAbsent(view.imageId().get(), id -> {
      if (http != null && IMAGE_ID.matcher(id).matches()) {
        // the raw JSON, read as docker-java's model would be, without building that model (start-up)
        JsonNode inspected = get("/images/" + id + "/json", true);
        return inspected == null ? Optional.empty() : Optional.of(ImageFacts.of(view.image(), inspected));
      }
      try {
        return Optional.of(ImageFacts.of(view.image(), session.bounded(() -> session.api().inspectImageCmd(id).exec())));
      } catch (com.github.dockerjava.api.exception.NotFoundException e) {
        return Optional.empty();
      }
    });
    return facts.isPresent() ? view.knowingImage(facts.get()) : view;
  }

  private static String inspectPath(String containerId) {
    if (!containerId.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
      throw new IllegalArgumentException("container id must be an id or name: " + containerId);
    }
    return "/containers/" + containerId + "/json";
  }

  /**
   * Audits every running container. A container removed between the listing and its inspection is
   * left out of the report.
   */
  public PolicyReport audit(Policy policy) {
    return audit(policy, Map.of());
  }

  /**
   * Audits the running containers carrying every label in {@code labels}. A container removed
   * between the listing and its inspection is left out of the report.
   */
  public PolicyReport audit(Policy policy, Map<String, String> labels) {
    CompletableFuture<EngineSecurity> security = engineSecurityAsync();
    return audit(policy, containerIds(false, labels), true, security);
  }

  /**
   * Audits the running containers carrying every label in {@code labels} (every running container when
   * {@code labels} is empty), knowing that the engine's host enforces {@code security}: the
   * {@link #engineSecurity()} the caller already read, so the audit does not ask {@code GET /info} again. A
   * container removed between the listing and its inspection is left out of the report.
   *
   * @param security what the engine's host enforces, as {@link #engineSecurity()} read it from this engine
   */
  public PolicyReport audit(Policy policy, Map<String, String> labels, EngineSecurity security) {
    Objects.requireNonNull(security, "security must not be null");
    return audit(policy, containerIds(false, labels), true, CompletableFuture.completedFuture(security));
  }

  /**
   * Audits the running containers carrying every label in {@code labels} (every running container when
   * {@code labels} is empty), knowing that the engine's host enforces what {@code security} completes with:
   * waited for only once the containers are listed and inspected, so that {@code GET /info} can be read
   * meanwhile, as in
   *
   * <pre>{@code
   * CompletableFuture<EngineSecurity> security = audit.engineSecurityAsync();
   * PolicyReport report = audit.audit(policy, labels, security);
   * EngineSecurity engine = security.join(); // the same answer, for the engine's own findings
   * }</pre>
   *
   * A container removed between the listing and its inspection is left out of the report.
   *
   * @param security what the engine's host enforces, as {@link #engineSecurity()} reads it from this engine;
   *     its failure is thrown as it was thrown there
   */
  public PolicyReport audit(Policy policy, Map<String, String> labels, CompletionStage<EngineSecurity> security) {
    Objects.requireNonNull(security, "security must not be null");
    return audit(policy, containerIds(false, labels), true, security);
  }

  /**
   * Audits the given containers, in order, into one report.
   *
   * @throws dev.carapace.core.ContainerOperationException step {@code inspect}, when one of them does not
   *     exist (HTTP 404)
   */
  public PolicyReport audit(Policy policy, List<String> containerIds) {
    return audit(policy, containerIds, false);
  }

  /**
   * One {@code /info}, read while each container is inspected (each image once); a container gone (404) is
   * skipped when {@code goneIsSkipped}, else its inspection throws.
   */
  private PolicyReport audit(Policy policy, List<String> ids, boolean goneIsSkipped) {
    return audit(policy, ids, goneIsSkipped, engineSecurityAsync());
  }

  private PolicyReport audit(Policy policy, List<String> ids, boolean goneIsSkipped,
      CompletionStage<EngineSecurity> security) {
    List<JsonNode> inspected = inspectAll(ids, goneIsSkipped);
    EngineSecurity enforced = await(security.toCompletableFuture());
    List<ContainerView> views = new ArrayList<>(ids.size());
    Map<String, Optional<ImageFacts>> images = new HashMap<>();
    for (JsonNode json : inspected) {
      if (json != null) {
        views.add(knowingImage(InspectParser.parse(json).knowingEngine(enforced), images));
      }
    }
    return policy.evaluate(views);
  }

  /**
   * The inspect JSON of each container, in the order of {@code ids} (null for one gone when
   * {@code goneIsSkipped}): up to {@link #INSPECT_CONCURRENCY} requests at once, each bounded by the response
   * timeout; the first failure in that order is thrown, and the requests not yet sent are not sent.
   */
  private List<JsonNode> inspectAll(List<String> ids, boolean goneIsSkipped) {
    List<String> paths = new ArrayList<>(ids.size());
    for (String id : ids) {
      paths.add(inspectPath(id));
    }
    List<JsonNode> inspected = new ArrayList<>(ids.size());
    if (paths.size() < 2) {
      for (String path : paths) {
        inspected.add(get(path, goneIsSkipped));
      }
      return inspected;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(INSPECT_CONCURRENCY, paths.size()), r -> {
      Thread t = new Thread(r, "carapace-audit-inspect");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<JsonNode>> answers = new ArrayList<>(paths.size());
      for (String path : paths) {
        answers.add(pool.submit(() -> get(path, goneIsSkipped)));
      }
      for (Future<JsonNode> answer : answers) {
        inspected.add(await(answer));
      }
      return inspected;
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> T await(Future<T> answer) {
    try {
      return answer.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while the audit inspected containers");
    }
  }

  private JsonNode get(String path) {
    return get(path, false);
  }

  /** The JSON answer to {@code GET path}; null on HTTP 404 when {@code absentIsNull}. */
  private JsonNode get(String path, boolean absentIsNull) {
    DockerHttpClient transport = http != null ? http : session.requireTransport("the audit's raw inspect");
    return session.bounded(() -> exchange(transport, path, absentIsNull));
  }

  private JsonNode exchange(DockerHttpClient transport, String path, boolean absentIsNull) {
    DockerHttpClient.Request request = DockerHttpClient.Request.builder()
        .method(DockerHttpClient.Request.Method.GET).path(path).build();
    try (DockerHttpClient.Response response = transport.execute(request)) {
      byte[] body;
      try (InputStream in = response.getBody()) {
        body = in.readAllBytes();
      }
      int status = response.getStatusCode();
      if (status == 404 && absentIsNull) {
        return null;
      }
      if (status == 401 || status == 403) {
        // a proxy's HTML page says nothing more; never echo credentials
        throw CoreAccess.get().engineFailure("audit GET " + path + " failed on " + engine + ": HTTP " + status
            + (status == 401 ? " (wrong or missing basic-auth credentials)" : " (forbidden)"), Step.INSPECT, engine, null);
      }
      if (status != 200) {
        throw CoreAccess.get().engineFailure("audit GET " + path + " failed on " + engine + ": HTTP "
            + status + " " + new String(body, StandardCharsets.UTF_8).trim(), Step.INSPECT, engine, null);
      }
      return JsonTrees.read(body);
    } catch (IOException e) {
      throw new UncheckedIOException("audit GET " + path + " failed on " + engine, e);
    }
  }

  /** Closes the connection the audit opened; a caller's client stays open. */
  @Override
  public void close() {
    session.close();
  }
}
