package dev.carapace.core.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.Endpoint;
import dev.carapace.core.ImageNotFoundException;
import dev.carapace.core.LaunchException;
import dev.carapace.core.EngineException;
import dev.carapace.core.EngineException.Step;
import dev.carapace.core.OwnerLabels;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.internal.fields.SpecTranslator;
import dev.carapace.core.internal.values.CoreAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/**
 * One conversation with one Docker Engine: the docker-java client, the deadline of every call, the
 * wording of every failure, and the containers created and not yet removed. A launcher orchestrates;
 * everything it asks of the engine goes through its session, and so does everything a
 * {@link dev.carapace.core.RunningContainer} asks.
 *
 * <pre>{@code
 * try (EngineSession session = EngineSession.open(endpoint, auth, Duration.ofSeconds(60), ownLabels)) {
 *   String id = session.create(spec, labels);          // tracked from here on
 *   session.call(Step.START, spec.image(), id, () -> session.api().startContainerCmd(id).exec());
 * }                                                     // removes what is still tracked
 * }</pre>
 *
 * <p><b>Clients.</b> A session {@linkplain #open opened} on an {@link Endpoint} owns two docker-java
 * clients on two connection pools: one whose every response is bounded by the endpoint's response
 * timeout, one without, for the waits, logs and stats that legitimately take long. A session that
 * {@linkplain #reuse reuses} a caller's client sends everything through that one client and never
 * closes it.
 *
 * <p><b>Deadlines.</b> Every ordinary call runs under a {@link Deadline} of the response timeout,
 * because docker-java's unix-socket transport ignores the HTTP client's own timeout; a stream is
 * bounded by the stream timeout instead.
 *
 * <p><b>Errors.</b> {@link #fail} turns any docker-java failure into an {@link EngineException} naming
 * the step, the image and the engine, with the daemon's own words when it answered; a connection the
 * peer dropped is asked again without a request body (a TLS handshake, or {@code GET /_ping}), so the
 * message names the TLS alert or the peer's answer instead of a broken pipe.
 *
 * <p><b>Tracking.</b> Every container created through {@link #create} is tracked until
 * {@link #remove} succeeds; {@link #close()} removes those still tracked.
 *
 * <p><b>Creates given up on.</b> A create whose answer was lost (a timeout while the engine hung, a
 * dropped connection) may have made a container anyway, or may make it later: a frozen engine
 * carries out the request it holds once it resumes. Every create carries its own random
 * {@value OwnerLabels#CREATE} label, so the container of one given up on is told from those of
 * creates still under way on other threads. Until it is found, each ordinary call that the engine
 * answers ({@link #bounded(Supplier)}, at most once per {@code IN_DOUBT_POLL}) then lists the
 * session's own containers and removes those of creates given up on, logged at INFO; {@link #close()}
 * looks for them every {@code IN_DOUBT_POLL} before it returns. A create whose container has not
 * appeared {@code IN_DOUBT_GRACE} after the engine first answered again is taken as never carried out.
 * A network create given up on ({@link #networkCreateGivenUp}, by {@link EngineNetworks}) is looked
 * for the same way, among the session's own networks, and its network handed to the remover
 * {@link #removeNetworksOfCreatesGivenUpOnWith} set.
 */
public final class EngineSession implements AutoCloseable {
  /** The response timeout with a caller's client, as {@link Endpoint}'s default. */
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);

  private static final String CALLERS_CLIENT = "(caller's docker-java client)";

  /**
   * The docker-java clients and the streaming transport: a caller's from the start; the session's own made at
   * their first use ({@link #api()}, {@link #streaming()}), so that a session that only sends raw requests (an
   * audit) never loads docker-java's command model. Guarded by {@link #clientsLock}.
   */
  private volatile DockerClient api;
  private volatile DockerClient streaming;
  /** The transport under {@link #api}, for the raw inspect JSON; null when it cannot be reached. */
  private final DockerHttpClient apiHttp;
  /** The transport under {@link #streaming}; null when it cannot be reached (made with it). */
  private volatile DockerHttpClient streamingHttp;
  /** The {@code Authorization} header of the session's own transports, or null; never logged. */
  private final String authorization;
  private final Object clientsLock = new Object();
  /** Whether this session opened its clients, and so closes them; never a caller's. */
  private final boolean ownsClients;
  private final String engine;
  /** The endpoint the session opened, for a TLS probe of a dropped connection; null for a caller's client. */
  private final Endpoint endpoint;
  /** Set once {@link #close()} closed the clients: a failure then is not probed. */
  private volatile boolean closed;
  private final boolean tls;
  private final boolean basicAuth;
  private final Duration responseTimeout;
  private final Duration streamTimeout;
  private final Map<String, String> ownLabels;
  private final Set<String> live = ConcurrentHashMap.newKeySet();
  /** The followed log streams still open, by container id: closed at the container's removal or the session's close. */
  private final Map<AutoCloseable, String> streams = new ConcurrentHashMap<>();
  /**
   * The {@value OwnerLabels#CREATE} values of the creates whose answer was lost (timeout, dropped
   * connection), which may have made a container anyway, each with when the engine first answered a
   * look for it ({@link System#nanoTime()}), or {@code NOT_ANSWERED} yet.
   */
  private final Map<String, Long> inDoubt = new ConcurrentHashMap<>();
  /** Of {@link #inDoubt}, the network creates ({@link #networkCreateGivenUp}); the others are container creates. */
  private final Set<String> networkCreatesInDoubt = ConcurrentHashMap.newKeySet();
  /** Removes a network of a create given up on, by id and name; set by {@link EngineNetworks}. */
  private volatile java.util.function.BiConsumer<String, String> networkRemover;
  private static final long NOT_ANSWERED = Long.MIN_VALUE;
  /** One look for creates in doubt at a time; the calls it makes itself do not look again. */
  private final AtomicBoolean looking = new AtomicBoolean();
  /** When the last look for creates in doubt began ({@link System#nanoTime()}). */
  private volatile long lastLook = System.nanoTime() - IN_DOUBT_POLL_NANOS;
  /** Where the removal of a container of a create given up on is logged: the launcher's logger. */
  private volatile Logger log = NOPLogger.NOP_LOGGER;
  /**
   * How long the container of a create given up on (no answer in time) is looked for once the engine
   * answers again: a frozen engine carries the request out after it resumes.
   */
  static final Duration IN_DOUBT_GRACE = Duration.ofSeconds(5);
  /** How often a create in doubt is looked for, at most: by {@link #close()}, and by ordinary calls. */
  static final Duration IN_DOUBT_POLL = Duration.ofMillis(200);
  private static final long IN_DOUBT_POLL_NANOS = IN_DOUBT_POLL.toNanos();
  /** What {@code GET /info} said (runtimes, CPUs), asked once, when a spec first needs it. */
  private volatile EngineInfo info;

  /** The facts of {@code GET /info} that launches are checked against. */
  public record EngineInfo(Set<String> runtimes, int cpus) {}

  private EngineSession(DockerClient api, DockerClient streaming, DockerHttpClient apiHttp,
      DockerHttpClient streamingHttp, String authorization, boolean ownsClients, Endpoint endpoint,
      String engine, boolean tls, boolean basicAuth, Duration responseTimeout, Duration streamTimeout,
      Map<String, String> ownLabels) {
    this.api = api;
    this.streaming = streaming;
    this.apiHttp = apiHttp;
    this.streamingHttp = streamingHttp;
    this.authorization = authorization;
    this.ownsClients = ownsClients;
    this.endpoint = endpoint;
    this.engine = engine;
    this.tls = tls;
    this.basicAuth = basicAuth;
    this.responseTimeout = responseTimeout;
    this.streamTimeout = streamTimeout;
    this.ownLabels = Map.copyOf(ownLabels);
  }

  /**
   * Opens both clients to {@code endpoint}; no request is sent yet. The session owns them and closes
   * them in {@link #close()}.
   *
   * @param authorization the {@code Authorization} header to send on every request, or null
   * @param ownLabels labels every container created through this session carries, and only those:
   *     how {@link #close()} finds a container whose create answer was lost
   */
  public static EngineSession open(Endpoint endpoint, String authorization, Duration streamTimeout,
      Map<String, String> ownLabels) {
    DockerHttpClient apiHttp = EngineClients.http(endpoint, endpoint.responseTimeout(), 32, authorization);
    return new EngineSession(null, null, apiHttp, null, authorization, true, endpoint, endpoint.toString(), endpoint.isTls(),
        authorization != null, endpoint.responseTimeout(), streamTimeout, ownLabels);
  }

  /**
   * A session on the caller's own {@code client}, used as it is configured (its transport, API
   * version, registry credentials) for every call, streams included. {@link #close()} never closes
   * it. The raw inspect JSON is read through the client's transport when docker-java exposes it
   * ({@link DockerClientImpl#getHttpClient()}); from any other client, it is docker-java's inspect
   * model written back to JSON, which carries every field the verifier reads.
   */
  public static EngineSession reuse(DockerClient client, Duration responseTimeout, Duration streamTimeout,
      Map<String, String> ownLabels) {
    Objects.requireNonNull(client, "dockerClient");
    DockerHttpClient http = client instanceof DockerClientImpl ? ((DockerClientImpl) client).getHttpClient() : null;
    return new EngineSession(client, client, http, http, null, false, null, CALLERS_CLIENT, false, false, responseTimeout,
        streamTimeout, ownLabels);
  }

  /** The engine as messages name it: the endpoint, or {@code (caller's docker-java client)}. */
  public String engine() {
    return engine;
  }

  /** The endpoint the session opened its clients to; empty for a caller's client. */
  public java.util.Optional<Endpoint> endpoint() {
    return java.util.Optional.ofNullable(endpoint);
  }

  /** For ordinary calls; run them through {@link #bounded} or {@link #call}. */
  public DockerClient api() {
    DockerClient made = api;
    if (made == null) {
      synchronized (clientsLock) {
        if (api == null) {
          api = closedIfSessionIs(EngineClients.client(endpoint, apiHttp));
        }
        made = api;
      }
    }
    return made;
  }

  /**
   * {@code client} as it is, or closed when the session already is: a client first asked for after
   * {@link #close()} fails as one asked for before it would, and holds nothing open.
   */
  private DockerClient closedIfSessionIs(DockerClient client) {
    if (closed) {
      closeQuietly(client);
    }
    return client;
  }

  /**
   * The HTTP transport under {@link #api()}, for raw requests (the inspect JSON, Swarm, the audit):
   * empty for a caller's client whose transport docker-java does not expose (only a client made by
   * {@code DockerClientImpl.getInstance(config, httpClient)} does).
   */
  public java.util.Optional<DockerHttpClient> transport() {
    return java.util.Optional.ofNullable(apiHttp);
  }

  /**
   * The HTTP transport under {@link #streaming()}, for raw streams: empty as for {@link #transport()}.
   */
  public java.util.Optional<DockerHttpClient> streamingTransport() {
    streaming();
    return java.util.Optional.ofNullable(streamingHttp);
  }

  /**
   * The transport of {@link #transport()}, for {@code what} (raw requests docker-java has no command
   * for); a caller's client must expose one.
   *
   * @throws IllegalArgumentException naming the client's class and how to make one that does
   */
  public DockerHttpClient requireTransport(String what) {
    if (apiHttp == null) {
      throw new IllegalArgumentException("dockerClient must expose its transport for " + what + ": "
          + api().getClass().getName() + " (make it with DockerClientImpl.getInstance(config, httpClient))");
    }
    return apiHttp;
  }

  /** For waits, logs and stats, which callers bound by {@link #streamTimeout()} themselves. */
  public DockerClient streaming() {
    DockerClient made = streaming;
    if (made == null) {
      synchronized (clientsLock) {
        if (streaming == null) {
          streamingHttp = EngineClients.http(endpoint, null, 64, authorization);
          streaming = closedIfSessionIs(EngineClients.client(endpoint, streamingHttp));
        }
        made = streaming;
      }
    }
    return made;
  }

  /** The deadline of every ordinary call. */
  public Duration responseTimeout() {
    return responseTimeout;
  }

  /** How long a log or stats read, or a pull, may take. */
  public Duration streamTimeout() {
    return streamTimeout;
  }

  /**
   * Where the removal of the container of a create given up on is logged at INFO (the launcher's
   * logger); by default nowhere.
   */
  public void logTo(Logger logger) {
    this.log = Objects.requireNonNull(logger, "logger");
  }

  /**
   * Sets what removes the network of a network create given up on once a look finds it (by its id and
   * name): {@link EngineNetworks} tracks it, then removes it with its containers. A failure of
   * {@code remover} leaves the network to it.
   */
  public void removeNetworksOfCreatesGivenUpOnWith(java.util.function.BiConsumer<String, String> remover) {
    this.networkRemover = Objects.requireNonNull(remover, "remover");
  }

  /**
   * A network create carrying {@value OwnerLabels#CREATE} {@code createId} was given up on (its answer
   * lost): its network, if the engine makes it, is looked for and removed as a container's is (see
   * the class comment).
   */
  public void networkCreateGivenUp(String createId) {
    networkCreatesInDoubt.add(createId);
    inDoubt.put(createId, NOT_ANSWERED);
  }

  /**
   * Runs {@code call} within the response timeout, whatever the transport does; when the engine
   * answered and a create is in doubt, then looks for its container and removes it (see the class
   * comment), whatever that look finds or fails on.
   */
  public <T> T bounded(Supplier<T> call) {
    T result = Deadline.call(responseTimeout, call);
    if (!inDoubt.isEmpty() && System.nanoTime() - lastLook >= IN_DOUBT_POLL_NANOS) {
      try {
        lookForCreatesInDoubt();
      } catch (RuntimeException notAnswered) {
        // the engine did not answer the look: the next call looks again, close() at the latest
      }
    }
    return result;
  }

  /** Runs {@code call} within {@code timeout}, whatever the transport does. */
  public <T> T bounded(Duration timeout, Supplier<T> call) {
    return Deadline.call(timeout, call);
  }

  /**
   * Runs {@code call} within the response timeout and turns its failure into an
   * {@link EngineException} for {@code step}.
   */
  public <T> T call(Step step, String image, String containerId, Supplier<T> call) {
    try {
      return bounded(call);
    } catch (RuntimeException e) {
      throw fail(step, image, containerId, e);
    }
  }

  /**
   * Creates the container {@code spec} describes, with {@code labels}; it is tracked from here on.
   *
   * @throws ImageNotFoundException when the engine does not have the image
   * @throws LaunchException for any other failure, step {@code create}
   */
  public String create(SecureContainerSpec spec, Map<String, String> labels) {
    String createId = UUID.randomUUID().toString();
    Map<String, String> all = new java.util.HashMap<>(labels);
    all.put(OwnerLabels.CREATE, createId);
    String id;
    try {
      id = bounded(() -> SpecTranslator.apply(spec, api().createContainerCmd(spec.image()), all).exec()).getId();
    } catch (RuntimeException e) {
      String daemon = DaemonErrors.daemonMessage(e);
      if (daemon == null && !DaemonErrors.neverSent(e)) {
        inDoubt.put(createId, NOT_ANSWERED);
      }
      if (e instanceof NotFoundException && DaemonErrors.isNoSuchImage(e)) {
        throw CoreAccess.get().imageNotFound(Step.CREATE, spec.image(), "image is not on the engine", daemon, e);
      }
      if (daemon != null && daemon.startsWith("Requested CPUs are not available") && spec.cpusetCpus().isPresent()) {
        // the launcher checked the engine's CPU count; its cpuset may still be narrower
        int at = daemon.indexOf("available: ");
        throw CoreAccess.get().engineFailure(Step.CREATE, spec.image(), null, "cpusetCpus must be within the engine's CPUs: "
            + spec.cpusetCpus().get() + (at < 0 ? "" : " (engine has " + daemon.substring(at + 11).trim() + ")"),
            daemon, e);
      }
      throw fail(Step.CREATE, spec.image(), null, e);
    }
    live.add(id);
    return id;
  }

  /**
   * The names of the runtimes the engine lists ({@code GET /info}, {@code Runtimes}), sorted; asked
   * the first time only, then remembered for the session's life.
   *
   * @throws EngineException naming {@code step} and {@code image} when the engine does not answer
   */
  public Set<String> runtimes(Step step, String image) {
    return info(step, image).runtimes();
  }

  /**
   * The engine's runtimes and CPU count ({@code GET /info}); asked the first time only, then
   * remembered for the session's life.
   *
   * @throws EngineException naming {@code step} and {@code image} when the engine does not answer
   */
  public EngineInfo info(Step step, String image) {
    EngineInfo known = info;
    if (known == null) {
      synchronized (this) {
        known = info;
        if (known == null) {
          com.github.dockerjava.api.model.Info answer = call(step, image, null, () -> api().infoCmd().exec());
          Map<String, ?> listed = answer.getRuntimes();
          Integer cpus = answer.getNCPU();
          known = new EngineInfo(
              Collections.unmodifiableSet(new TreeSet<>(listed == null ? Set.of() : listed.keySet())),
              cpus == null ? Integer.MAX_VALUE : cpus);
          info = known;
        }
      }
    }
    return known;
  }

  /**
   * The container's inspect JSON as the engine recorded it, read as a tree (docker-java's full model
   * is slow to load in a fresh JVM and lacks fields), within the response timeout.
   *
   * @throws DockerException with the engine's message when it answers other than 200 ({@code NotFoundException} for 404)
   */
  public JsonNode inspectRaw(String id) {
    if (apiHttp == null) {
      // a caller's client whose transport docker-java does not expose: its model, written back
      return bounded(() -> EngineClients.mapper().valueToTree(api().inspectContainerCmd(id).exec()));
    }
    return getJson("/containers/" + id + "/json");
  }

  /**
   * {@code GET path} through the session's own transport, its JSON answer read as a tree, within the
   * response timeout.
   *
   * @throws NotFoundException for 404, {@link DockerException} with the engine's message and status
   *     for any other answer but 200
   */
  private JsonNode getJson(String path) {
    DockerHttpClient.Request request = DockerHttpClient.Request.builder()
        .method(DockerHttpClient.Request.Method.GET).path(path).build();
    return bounded(() -> {
      try (DockerHttpClient.Response response = apiHttp.execute(request)) {
        if (response.getStatusCode() != 200) {
          String body = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
          throw response.getStatusCode() == 404 ? new NotFoundException(body)
              : new DockerException("Status " + response.getStatusCode() + ": " + body, response.getStatusCode());
        }
        return EngineClients.mapper().readTree(response.getBody());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /**
   * One stats sample of container {@code id} as the engine sends it, read as a tree for
   * {@link EngineStats}: {@code GET /containers/{id}/stats?stream=false&one-shot=true} (API 1.41), which
   * answers at once, without the previous CPU sample the engine otherwise waits a second for, within
   * the response timeout. From a caller's client whose transport docker-java does not expose, it is
   * docker-java's {@code stats --no-stream} sample written back to JSON, within the stream timeout.
   *
   * @throws DockerException with the engine's message and status (404: no such container) when it
   *     answers other than 200
   */
  public JsonNode statsRaw(String id) {
    if (apiHttp == null) {
      return bounded(streamTimeout, () -> {
        java.util.concurrent.atomic.AtomicReference<com.github.dockerjava.api.model.Statistics> first =
            new java.util.concurrent.atomic.AtomicReference<>();
        try (com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Statistics> cb =
            streaming().statsCmd(id).withNoStream(true).exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<>() {
              @Override
              public void onNext(com.github.dockerjava.api.model.Statistics s) {
                first.compareAndSet(null, s);
              }
            })) {
          cb.awaitCompletion();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
        if (first.get() == null) {
          throw new DockerException("the engine sent no stats sample", 500);
        }
        return EngineClients.mapper().valueToTree(first.get());
      });
    }
    return getJson("/containers/" + id + "/stats?stream=false&one-shot=true");
  }

  /** The engine's containers, running or not, carrying every label of {@code labels}. */
  public List<Container> list(Map<String, String> labels) {
    return bounded(() -> api().listContainersCmd().withShowAll(true).withLabelFilter(labels).exec());
  }

  /**
   * Force-removes container {@code id} with its anonymous volumes and stops tracking it; an absent
   * container is fine. When another party's removal is already under way (a reaper, a start-up sweep,
   * another process's cleanup), waits until the engine no longer lists it, so that the container is
   * gone when this returns, whoever removed it.
   *
   * @throws RuntimeException docker-java's failure, or an {@link IllegalStateException} when the
   *     removal under way did not end within the response timeout; map it with {@link #fail}
   */
  public void remove(String id) {
    closeStreams(id);
    try {
      bounded(() -> api().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec());
    } catch (NotFoundException e) {
      // already gone
    } catch (ConflictException e) {
      if (!String.valueOf(DaemonErrors.daemonMessage(e)).contains("already in progress")) {
        throw e;
      }
      awaitRemoved(id);
    }
    live.remove(id);
  }

  /** Until the engine answers 404 for container {@code id}, within the response timeout. */
  private void awaitRemoved(String id) {
    long end = System.nanoTime() + responseTimeout.toNanos();
    while (true) {
      try {
        bounded(() -> api().inspectContainerCmd(id).exec());
      } catch (NotFoundException gone) {
        return;
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException("another removal of the container was under way and did not end within "
            + responseTimeout);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while another removal of the container was under way", e);
      }
    }
  }

  /**
   * Remembers {@code stream}, a followed log of container {@code containerId} that its caller may
   * never read nor close: {@link #remove} of that container and {@link #close()} close it, so that
   * its reading thread never outlives them. Forget it with {@link #streamClosed} when it closes.
   */
  public void streamOpened(String containerId, AutoCloseable stream) {
    streams.put(stream, containerId);
  }

  /** {@code stream} was closed: nothing more to close. */
  public void streamClosed(AutoCloseable stream) {
    streams.remove(stream);
  }

  /** Closes the streams open on container {@code id}, or on every container when {@code id} is null. */
  private void closeStreams(String id) {
    for (Map.Entry<AutoCloseable, String> e : new ArrayList<>(streams.entrySet())) {
      if (id == null || id.equals(e.getValue())) {
        streams.remove(e.getKey());
        try {
          e.getKey().close();
        } catch (Exception ignored) {
          // a stream that fails to close has nothing to give back; its thread was told to end
        }
      }
    }
  }

  /**
   * One look for the containers and networks of the creates in doubt, unless another is under way:
   * lists the session's own containers once (and its own networks, when a network create is in doubt),
   * removes each whose {@value OwnerLabels#CREATE} is in doubt (logged at INFO), and forgets a create
   * whose container or network has not appeared {@code IN_DOUBT_GRACE} after the engine first
   * answered such a look. A container whose removal fails is tracked instead, for {@link #close()} to
   * remove or report; a network, by the remover {@link #removeNetworksOfCreatesGivenUpOnWith} set.
   *
   * @return whether creates are still in doubt after this look
   * @throws RuntimeException docker-java's failure when a list failed; the creates stay in doubt
   */
  private boolean lookForCreatesInDoubt() {
    if (!looking.compareAndSet(false, true)) {
      return !inDoubt.isEmpty();
    }
    try {
      lastLook = System.nanoTime();
      boolean containers = !networkCreatesInDoubt.containsAll(inDoubt.keySet());
      boolean networks = networkRemover != null && inDoubt.keySet().stream().anyMatch(networkCreatesInDoubt::contains);
      List<Container> listed = !containers ? List.of() : Deadline.call(responseTimeout,
          () -> api().listContainersCmd().withShowAll(true).withLabelFilter(ownLabels).exec());
      List<com.github.dockerjava.api.model.Network> listedNetworks = !networks ? List.of()
          : Deadline.call(responseTimeout, () -> api().listNetworksCmd().withFilter("label", labelFilter(ownLabels)).exec());
      long answered = System.nanoTime();
      for (Container c : listed) {
        String createId = c.getLabels() == null ? null : c.getLabels().get(OwnerLabels.CREATE);
        Long since = createId == null || networkCreatesInDoubt.contains(createId) ? null : inDoubt.get(createId);
        if (since == null) {
          continue;
        }
        try {
          Deadline.call(responseTimeout, () -> api().removeContainerCmd(c.getId()).withForce(true)
              .withRemoveVolumes(true).exec());
        } catch (NotFoundException gone) {
          // removed meanwhile
        } catch (RuntimeException e) {
          live.add(c.getId()); // found: close() removes it, or reports why it could not
          inDoubt.remove(createId);
          continue;
        }
        inDoubt.remove(createId);
        logGivenUpOnRemoved(false, c.getId().substring(0, Math.min(12, c.getId().length())), since);
      }
      for (com.github.dockerjava.api.model.Network n : listedNetworks) {
        String createId = n.getLabels() == null ? null : n.getLabels().get(OwnerLabels.CREATE);
        Long since = createId == null || !networkCreatesInDoubt.contains(createId) ? null : inDoubt.get(createId);
        if (since == null) {
          continue;
        }
        inDoubt.remove(createId);
        networkCreatesInDoubt.remove(createId);
        try {
          networkRemover.accept(n.getId(), n.getName());
        } catch (RuntimeException e) {
          continue; // found and tracked by the remover: the owner's close removes it, or reports why it could not
        }
        logGivenUpOnRemoved(true, n.getName(), since);
      }
      for (Map.Entry<String, Long> e : new ArrayList<>(inDoubt.entrySet())) {
        if (e.getValue() == NOT_ANSWERED) {
          inDoubt.replace(e.getKey(), NOT_ANSWERED, answered);
        } else if (answered - e.getValue() >= IN_DOUBT_GRACE.toNanos()) {
          inDoubt.remove(e.getKey()); // never carried out, or removed by someone else
          networkCreatesInDoubt.remove(e.getKey());
        }
      }
      return !inDoubt.isEmpty();
    } finally {
      looking.set(false);
    }
  }

  private void logGivenUpOnRemoved(boolean network, String name, long since) {
    long ms = since == NOT_ANSWERED ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    if (network) {
      log.info("launcher {}: removed network {} of a create given up on (no answer within {}), {} ms after the engine"
          + " answered again", ownLabels.get(OwnerLabels.LAUNCHER), name, responseTimeout, ms);
    } else {
      log.info("launcher {}: removed container {} of a create given up on (no answer within {}), {} ms after the"
          + " engine answered again", ownLabels.get(OwnerLabels.LAUNCHER), name, responseTimeout, ms);
    }
  }

  /** {@code labels} as the engine's {@code label} filter spells them ({@code key=value}). */
  private static List<String> labelFilter(Map<String, String> labels) {
    List<String> filter = new ArrayList<>();
    labels.forEach((k, v) -> filter.add(k + "=" + v));
    return filter;
  }

  /** The {@value OwnerLabels#CREATE} values of the creates given up on whose container was not found yet. */
  Set<String> createsInDoubt() {
    return Set.copyOf(inDoubt.keySet());
  }

  /** The ids of the containers created through {@link #create} and not removed yet. */
  public Set<String> tracked() {
    return Set.copyOf(live);
  }

  /** Turns a docker-java failure into an {@link EngineException} for {@code step}; one passes through. */
  public EngineException fail(Step step, String image, String containerId, RuntimeException e) {
    if (e instanceof EngineException) {
      return (EngineException) e;
    }
    if (e instanceof DockerException) {
      int status = ((DockerException) e).getHttpStatus();
      if (status == 401 || (status == 403 && basicAuth)) {
        return CoreAccess.get().engineAuthentication(step, image, engine, status, e);
      }
    }
    Cause why = explain(e);
    return CoreAccess.get().engineFailure(step, image, containerId, why.detail(), why.daemon(), e);
  }

  /**
   * Why a call failed, as {@link #fail} words it: {@code detail} names the real cause (a refused
   * connection, plain HTTP to a TLS port, a TLS handshake alert, a dropped connection, no answer in
   * time), {@code daemon} holds the engine's own words when it said any. Either may be null.
   */
  public record Cause(String detail, String daemon) {}

  /**
   * Why {@code e} happened, in the words of {@link #fail}, for a failure of a call through this
   * session (docker-java's, or a raw request's through {@link #transport()}): a dropped connection
   * is asked again, without a request body, for what the peer says (see the class comment).
   */
  public Cause explain(RuntimeException e) {
    if (e instanceof Deadline.Exceeded) {
      return new Cause("engine " + engine + " unreachable or not answering: " + e.getMessage(), null);
    }
    String daemon = DaemonErrors.daemonMessage(e);
    Throwable reason = e;
    if (daemon == null && DaemonErrors.isConnectionDropped(e) && !DaemonErrors.isTlsFailure(e)) {
      // a reset or broken pipe hides why: a fresh small request reads what the peer says first
      DropCause drop = askWhyDropped();
      if (drop != null) {
        if (drop.failure != null) {
          e.addSuppressed(drop.failure);
        }
        daemon = drop.said;
        reason = drop.failure != null ? drop.failure : e;
      }
    }
    String detail = daemon != null ? daemonDetail(daemon)
        : DaemonErrors.isTlsFailure(reason) ? "TLS handshake with " + engine + " failed: "
            + DaemonErrors.transportProblem(reason)
        : DaemonErrors.isConnectionRefused(e) ? "engine " + engine + " refused the connection (is it listening there?): "
            + DaemonErrors.transportProblem(e)
        : tls && DaemonErrors.isConnectionDropped(e) ? "TLS connection to " + engine
            + " was dropped by the peer: " + DaemonErrors.transportProblem(e)
        : DaemonErrors.isTransportFailure(e) ? "engine " + engine + " unreachable or not answering: "
            + DaemonErrors.transportProblem(e)
        : "unexpected failure talking to " + engine + ": " + DaemonErrors.transportProblem(e);
    return new Cause(detail, daemon);
  }

  /**
   * The remedy the engine's own words call for, put before them ({@code engine ... speaks TLS (use
   * Endpoint.tls)} for plain HTTP to its TLS port); null when they speak for themselves.
   */
  public String daemonDetail(String daemon) {
    if (daemon.startsWith(DaemonErrors.PLAIN_HTTP_TO_TLS)) {
      return "engine " + engine + " speaks TLS (use Endpoint.tls)";
    }
    if (daemon.contains("address already in use") || daemon.contains("port is already allocated")) {
      return "a published host port is in use (use port 0 to let the engine choose)";
    }
    return null;
  }

  /** What a probe of a dropped connection found: the peer's answer, or the failure it ended in. */
  private record DropCause(String said, Throwable failure) {}

  /**
   * Asks the peer again why a connection was dropped, without a request body to be cut short: over
   * TLS, a bare handshake followed by a read, which receives the alert of a peer refusing the client
   * certificate (TLS 1.3 sends it after the client's handshake is done; a client still writing is
   * reset before it reads it); otherwise {@code GET /_ping}, which a peer refusing the request (plain
   * HTTP to a TLS port answers 400 and closes) answers before closing. Null when the peer accepted
   * the probe (the drop was passing) or it taught nothing more.
   */
  private DropCause askWhyDropped() {
    if (closed || apiHttp == null) {
      return null;
    }
    if (endpoint != null && endpoint.isTls()) {
      return probeHandshake();
    }
    DockerHttpClient.Request ping = DockerHttpClient.Request.builder()
        .method(DockerHttpClient.Request.Method.GET).path("/_ping").build();
    try {
      return bounded(() -> {
        try (DockerHttpClient.Response response = apiHttp.execute(ping)) {
          if (response.getStatusCode() == 200) {
            return null;
          }
          String text = new String(response.getBody().readNBytes(4096), StandardCharsets.UTF_8).trim();
          String said = DaemonErrors.daemonMessage(new DockerException(text, response.getStatusCode()));
          return new DropCause(said == null || said.isEmpty() ? "HTTP " + response.getStatusCode() : said, null);
        } catch (IOException io) {
          throw new UncheckedIOException(io);
        }
      });
    } catch (RuntimeException probe) {
      return null;
    }
  }

  /** How long the TLS probe waits for an alert after its handshake; silence means the peer accepted it. */
  private static final Duration ALERT_WAIT = Duration.ofSeconds(2);

  /** The TLS failure a bare handshake and one read end in; null when the peer accepted the handshake. */
  private DropCause probeHandshake() {
    java.net.URI uri = endpoint.uri();
    javax.net.ssl.SSLContext context = endpoint.sslContext().orElseThrow();
    try (java.net.Socket plain = new java.net.Socket()) {
      plain.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()),
          (int) Math.min(Integer.MAX_VALUE, endpoint.connectTimeout().toMillis()));
      plain.setSoTimeout((int) Math.min(ALERT_WAIT.toMillis(), responseTimeout.toMillis()));
      try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
          .createSocket(plain, uri.getHost(), uri.getPort(), true)) {
        socket.startHandshake();
        socket.getInputStream().read(); // the peer sends nothing unasked but an alert
      }
      return null;
    } catch (javax.net.ssl.SSLException refused) {
      return new DropCause(null, refused);
    } catch (IOException | RuntimeException silent) {
      return null; // a timeout (accepted) or a failure that explains nothing more
    }
  }

  /**
   * Looks for the containers and networks of the creates given up on until each has appeared and been
   * removed, or {@code IN_DOUBT_GRACE} has passed since the engine first answered again (every
   * {@code IN_DOUBT_POLL}); then no create is in doubt any more. {@link #close()} does it first; an
   * owner that must remove its networks after those of the creates given up on calls it before.
   *
   * @throws EngineException step {@code remove}, when the engine did not answer: what it may still
   *     make is left to {@code cleanupLeftovers()} and the reaper's sweep
   */
  public void settleCreatesInDoubt() {
    if (inDoubt.isEmpty()) {
      return;
    }
    // an engine that was frozen may carry out the create it was sent only after it answers again:
    // look for it until it shows up, at most IN_DOUBT_GRACE after the first answer
    try {
      while (lookForCreatesInDoubt()) {
        Thread.sleep(IN_DOUBT_POLL.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      throw fail(Step.REMOVE, "*", null, e); // docker-java's own exception never reaches the caller of close()
    } finally {
      inDoubt.clear();
      networkCreatesInDoubt.clear();
    }
  }

  /**
   * Removes every container still tracked and, after a create given up on, its container once it
   * appears ({@link #settleCreatesInDoubt}), then closes the clients the session opened; a caller's
   * client stays open. Idempotent.
   *
   * @throws EngineException step {@code remove}, for the first removal that failed; the others were
   *     still tried and the clients closed
   */
  @Override
  public void close() {
    RuntimeException first = null;
    try {
      settleCreatesInDoubt();
    } catch (RuntimeException e) {
      first = e; // the engine did not answer: what it may still make is left to cleanupLeftovers()
    }
    for (String id : new ArrayList<>(live)) {
      try {
        remove(id);
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    closeStreams(null);
    if (ownsClients) {
      synchronized (clientsLock) {
        closed = true;
        if (api != null) {
          closeQuietly(api);
        } else {
          closeQuietly(apiHttp);
        }
        if (streaming != null) {
          closeQuietly(streaming);
        }
      }
    }
    if (first != null) {
      throw fail(Step.REMOVE, "*", null, first);
    }
  }

  private static void closeQuietly(java.io.Closeable client) {
    try {
      client.close();
    } catch (IOException e) {
      // closing a connection pool: nothing to recover
    }
  }
}
