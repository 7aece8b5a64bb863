package dev.carapace.core.internal.engine;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.Endpoint;
import dev.carapace.core.OwnerLabels;
import dev.carapace.core.internal.values.EndpointAccess;
import dev.carapace.core.internal.values.LocalOwners;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;

/**
 * The machinery every owner of things on an engine shares (core's launcher with its containers and
 * networks, the cluster module's Swarm deployer with its services): how its builder chooses the
 * engine (an {@link Endpoint}, or the caller's own docker-java client, never both), the
 * {@link EngineSession} with its timeouts, the {@link OwnerLabels} with a random owner id, the things
 * it made and has not removed yet, the cleanup of what dead or all owners left, and a close that
 * removes what is left before closing the connections (never a caller's client).
 *
 * <pre>{@code
 * EngineOwner.Connection connection = new EngineOwner.Connection("deployer");   // in the builder
 * connection.endpoint(endpoint);
 * EngineOwner owner = EngineOwner.open(connection, LOG);   // in the constructor
 * owner.track(serviceId);                                 // made: removed at close unless forgotten
 * owner.close(this::removeTrackedServices);               // then the session
 * }</pre>
 */
public final class EngineOwner {
  /** How long a pull, a log read or a stats read may take, unless a builder says otherwise. */
  public static final Duration DEFAULT_STREAM_TIMEOUT = Duration.ofSeconds(60);

  /**
   * A builder's choice of engine: an endpoint to open connections to, or the caller's client to
   * reuse; and the stream timeout. If neither is set, {@link Endpoint#fromEnvironment()}.
   */
  public static final class Connection {
    private final String noun;
    private Endpoint endpoint;
    private DockerClient client;
    private Duration streamTimeout = DEFAULT_STREAM_TIMEOUT;

    /** @param noun what the builder builds, as the exclusivity message names it ({@code launcher}) */
    public Connection(String noun) {
      this.noun = noun;
    }

    /** @throws IllegalStateException when a client is already set */
    public void endpoint(Endpoint value) {
      Objects.requireNonNull(value, "endpoint");
      if (client != null) {
        throw exclusive();
      }
      this.endpoint = value;
    }

    /** @throws IllegalStateException when an endpoint is already set */
    public void dockerClient(DockerClient value) {
      Objects.requireNonNull(value, "dockerClient");
      if (endpoint != null) {
        throw exclusive();
      }
      this.client = value;
    }

    /** @throws IllegalArgumentException when {@code timeout} is zero or negative */
    public void streamTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("stream timeout must be positive: " + timeout);
      }
      this.streamTimeout = timeout;
    }

    /** Whether the caller handed in its own client. */
    public boolean callersClient() {
      return client != null;
    }

    /**
     * A session on the caller's client (never closed by it), or on new connections to the endpoint
     * ({@link Endpoint#fromEnvironment()} when none was set); every container it creates carries
     * {@code ownLabels}.
     */
    public EngineSession open(Map<String, String> ownLabels) {
      if (client != null) {
        return EngineSession.reuse(client, EngineSession.DEFAULT_RESPONSE_TIMEOUT, streamTimeout, ownLabels);
      }
      Endpoint e = endpoint != null ? endpoint : Endpoint.fromEnvironment();
      return EngineSession.open(e, EndpointAccess.authorizationHeader(e), streamTimeout, ownLabels);
    }

    private IllegalStateException exclusive() {
      return new IllegalStateException("endpoint and dockerClient are exclusive: both set (call endpoint(..) for"
          + " a " + noun + " with its own connections, or dockerClient(..) to reuse yours, not both)");
    }
  }

  /** Whose things a cleanup removes, by the value of {@value OwnerLabels#OWNER}. */
  public enum Cleanup {
    /** Those of processes of this host that are gone ({@link LocalOwners#isDead}). */
    LEFTOVERS(LocalOwners::isDead),
    /** Everyone's. */
    ALL(owner -> true);

    private final Predicate<String> owns;

    Cleanup(Predicate<String> owns) {
      this.owns = owns;
    }

    /** Whether {@code owner}, a value of the owner label, is one this cleanup removes. */
    public boolean covers(String owner) {
      return owns.test(owner);
    }

    /**
     * Of {@code managed} (things listed by {@value OwnerLabels#MANAGED}), those whose owner label this
     * cleanup covers, in order; a thing without labels or an owner label is nobody's and stays.
     */
    public <T> List<T> select(Iterable<T> managed, Function<T, String> ownerOf) {
      List<T> out = new ArrayList<>();
      for (T t : managed) {
        String owner = ownerOf.apply(t);
        if (owner != null && covers(owner)) {
          out.add(t);
        }
      }
      return out;
    }
  }

  private final String id = UUID.randomUUID().toString();
  private final Map<String, String> labels;
  private final EngineSession session;
  private final boolean callersClient;
  private final Set<String> live = ConcurrentHashMap.newKeySet();

  private EngineOwner(Connection connection, Logger log) {
    SecretLoggers.warnAtDebug(log); // before the first request: the Authorization header goes on each
    this.labels = Map.of(OwnerLabels.MANAGED, "true", OwnerLabels.OWNER, OwnerLabels.currentOwner(),
        OwnerLabels.LAUNCHER, id);
    this.session = connection.open(Map.of(OwnerLabels.LAUNCHER, id));
    this.callersClient = connection.callersClient();
  }

  /**
   * Opens the session {@code connection} chose, with a new owner id. No request is sent yet.
   *
   * @param log the owner's logger, where the warnings about loggers that print secrets go
   */
  public static EngineOwner open(Connection connection, Logger log) {
    return new EngineOwner(connection, log);
  }

  /** The owner's random id, the value of {@value OwnerLabels#LAUNCHER} on what it creates. */
  public String id() {
    return id;
  }

  /** The three owner labels everything this owner creates carries. */
  public Map<String, String> labels() {
    return labels;
  }

  /** The labels that are this owner's alone ({@value OwnerLabels#LAUNCHER}). */
  public Map<String, String> ownLabels() {
    return Map.of(OwnerLabels.LAUNCHER, id);
  }

  public EngineSession session() {
    return session;
  }

  /**
   * The docker-java client the owner's ordinary calls go through: the caller's own, or the one it
   * opened (each response bounded by the endpoint's response timeout), open until the owner closes.
   */
  public DockerClient dockerClient() {
    return session.api();
  }

  /** Whether the engine is the caller's own client. */
  public boolean callersClient() {
    return callersClient;
  }

  /** Remembers {@code thingId} as made and not removed: {@link #close} removes it unless forgotten. */
  public void track(String thingId) {
    live.add(thingId);
  }

  /** Forgets {@code thingId}: it was removed. */
  public void forget(String thingId) {
    live.remove(thingId);
  }

  /** What is tracked now. */
  public List<String> tracked() {
    return new ArrayList<>(live);
  }

  /**
   * Runs each of {@code removals} (the owner's own things: networks, services), then closes the
   * session, which removes the containers it still tracks and closes the connections it opened. Every
   * step runs whatever the others did; the first failure is thrown, the later ones suppressed in it.
   */
  public void close(Runnable... removals) {
    RuntimeException failed = null;
    List<Runnable> steps = new ArrayList<>(List.of(removals));
    steps.add(session::close);
    for (Runnable step : steps) {
      try {
        step.run();
      } catch (RuntimeException e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }
}
