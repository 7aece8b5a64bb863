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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The machinery every owner of things on an engine shares (core's launcher with its containers and
 * networks, the cluster module's Swarm deployer with its services): how its builder chooses the
 * engine (an {@link Endpoint}, or the caller's own docker-java client, never both), the
 * {@link EngineSession} with its timeouts, the {@link OwnerLabels} with a random owner id and the
 * owner's identity (host, OS user, application name), the things
 * it made and has not removed yet, the cleanup of what dead or all owners left, and a close that
 * removes what is left before closing the connections (never a caller's client).
 *
 * <pre>{@code
 * EngineOwner.Connection connection = new EngineOwner.Connection("deployer");   // in the builder
 * connection.endpoint(endpoint);
 * EngineOwner owner = EngineOwner.open(connection, LOG);   // in the constructor
 * owner.track(serviceId);                                 // made: removed at close unless forgotten
 * owner.removeOnExit(this::onEngine, this::close);      // unless the builder said keepOnExit()
 * owner.close(this::removeTrackedServices);               // then the session
 * }</pre>
 *
 * <p><b>At the JVM's exit.</b> An owner {@linkplain #removeOnExit registered} for it is in a registry of
 * live owners until its {@link #close} begins. One shutdown hook for all of them, added to the JVM
 * with the first registration, runs the close of every owner still registered when the JVM ends
 * without it (main returned, {@code System.exit}, SIGTERM, SIGINT), all in parallel on daemon threads,
 * and logs at INFO, through each owner's logger, what was removed. It waits at most
 * {@link #EXIT_DEADLINE} for all of them together, then logs at WARN what is still on the engine and
 * lets the JVM end: a hung engine never hangs the exit. {@code kill -9} runs no hook: the
 * {@link Reaper} removes what such a process left, and when the reaper died too (a power cut, a kill
 * of the whole process group), the {@link LeftoverSweep} of the next owner of the same identity. The registry holds an owner never
 * closed until the exit (what it made is still on the engine). Hooks run concurrently, in no set
 * order: a logging backend that stops in its own hook (Log4j 2 by default) may drop the INFO line,
 * never the removal; a launch still under way on another thread may create after the removal, and
 * that container is left to {@code cleanupLeftovers()}.
 */
public final class EngineOwner {
  /** How long a pull, a log read or a stats read may take, unless a builder says otherwise. */
  public static final Duration DEFAULT_STREAM_TIMEOUT = Duration.ofSeconds(60);

  /**
   * How long the JVM's exit waits, at most, for the removals of every owner not closed, all together;
   * then it ends and leaves the rest on the engine, logged at WARN.
   */
  public static final Duration EXIT_DEADLINE = Duration.ofSeconds(10);

  /** The owners registered for the JVM's exit whose close has not begun. */
  private static final Set<EngineOwner> LIVE_OWNERS = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean EXIT_HOOK_ADDED = new AtomicBoolean();

  /**
   * A builder's choice of engine: an endpoint to open connections to, or the caller's client to
   * reuse; and the stream timeout. If neither is set, {@link Endpoint#fromEnvironment()}.
   */
  public static final class Connection {
    private final String noun;
    private Endpoint endpoint;
    private DockerClient client;
    private Duration streamTimeout = DEFAULT_STREAM_TIMEOUT;
    private boolean removeOnExit = true;
    private boolean reaper = true;
    private boolean sweep = true;
    private String applicationName = LocalOwners.defaultApplicationName();

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

    /**
     * The builder's opt-out: {@link EngineOwner#removeOnExit} then registers nothing, and what the
     * owner made stays on the engine when the JVM ends without its close.
     */
    public void keepOnExit() {
      this.removeOnExit = false;
    }

    /**
     * The builder's opt-out of the {@link Reaper}: what the owner made stays on the engine when the JVM
     * dies without its exit hook ({@code kill -9}, an OOM kill), until a {@code cleanupLeftovers()}. No
     * {@link LeftoverSweep} either: the sweep goes with the reaper.
     */
    public void withoutReaper() {
      this.reaper = false;
    }

    /**
     * The builder's opt-out of the {@link LeftoverSweep}: the owner does not remove, when it starts its
     * reaper, what dead owners of its identity left; that stays until a {@code cleanupLeftovers()}.
     */
    public void withoutLeftoverSweep() {
      this.sweep = false;
    }

    /**
     * The application part of the owner's identity, the value of {@value OwnerLabels#APPLICATION}.
     *
     * @throws IllegalArgumentException when it cannot be a label value
     *     ({@link LocalOwners#requireApplicationName})
     */
    public void applicationName(String name) {
      this.applicationName = LocalOwners.requireApplicationName(name);
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
      return EngineSession.open(chosenEndpoint(), EndpointAccess.authorizationHeader(chosenEndpoint()), streamTimeout,
          ownLabels);
    }

    /** The endpoint set, else {@link Endpoint#fromEnvironment()} (read once); null for a caller's client. */
    private Endpoint chosenEndpoint() {
      if (client == null && endpoint == null) {
        endpoint = Endpoint.fromEnvironment();
      }
      return endpoint;
    }

    private IllegalStateException exclusive() {
      return new IllegalStateException("endpoint and dockerClient are exclusive: both set (call endpoint(..) for"
          + " a " + noun + " with its own connections, or dockerClient(..) to reuse yours, not both)");
    }
  }

  /**
   * Whose things a cleanup removes, by their owner labels: the owner's value of
   * {@value OwnerLabels#OWNER} (alive or dead) and its identity ({@value OwnerLabels#HOST},
   * {@value OwnerLabels#USER}, {@value OwnerLabels#APPLICATION}) against the cleaning owner's.
   */
  public enum Cleanup {
    /**
     * Those of processes of this host that are gone ({@link LocalOwners#isDead}) and had the cleaning
     * owner's identity: the same host, OS user and application name. A thing without the identity
     * labels (made by Carapace 0.1) is no application's: never covered.
     */
    LEFTOVERS,
    /**
     * Those {@link #LEFTOVERS} covers whose owner would have removed them at its exit: label
     * {@value OwnerLabels#AT_EXIT} {@code remove}. What an owner built with {@code keepOnExit()} made
     * ({@code keep}) was meant to outlive it, and a thing without the label is left too: what the
     * {@link LeftoverSweep} removes, unasked.
     */
    SWEEP,
    /** Those of processes of this host that are gone, whatever their user and application. */
    LEFTOVERS_OF_ALL_APPLICATIONS,
    /** Everyone's. */
    ALL;

    /**
     * Whether a thing with {@code labels} is one this cleanup removes, for a cleaning owner of
     * {@code identity} (as {@link EngineOwner#identity()}); a thing without an owner label is nobody's.
     */
    public boolean covers(Map<String, String> labels, Map<String, String> identity) {
      String owner = labels == null ? null : labels.get(OwnerLabels.OWNER);
      if (owner == null) {
        return false;
      }
      switch (this) {
        case ALL:
          return true;
        case LEFTOVERS_OF_ALL_APPLICATIONS:
          return LocalOwners.isDead(owner);
        case SWEEP:
          return "remove".equals(labels.get(OwnerLabels.AT_EXIT)) && LocalOwners.isDead(owner)
              && sameIdentity(labels, identity);
        default:
          return LocalOwners.isDead(owner) && sameIdentity(labels, identity);
      }
    }

    /**
     * Of {@code managed} (things listed by {@value OwnerLabels#MANAGED}), those this cleanup
     * {@linkplain #covers covers} for a cleaning owner of {@code identity}, in order.
     */
    public <T> List<T> select(Iterable<T> managed, Function<T, Map<String, String>> labelsOf,
        Map<String, String> identity) {
      List<T> out = new ArrayList<>();
      for (T t : managed) {
        if (covers(labelsOf.apply(t), identity)) {
          out.add(t);
        }
      }
      return out;
    }

    private static boolean sameIdentity(Map<String, String> labels, Map<String, String> identity) {
      for (String key : IDENTITY_KEYS) {
        String value = labels.get(key);
        if (value == null || !value.equals(identity.get(key))) {
          return false;
        }
      }
      return true;
    }
  }

  /** The labels that make an owner's identity, in the order they are described. */
  private static final List<String> IDENTITY_KEYS = List.of(OwnerLabels.HOST, OwnerLabels.USER, OwnerLabels.APPLICATION);

  private final String id = UUID.randomUUID().toString();
  private final Map<String, String> labels;
  private final Map<String, String> identity;
  private final EngineSession session;
  private final boolean callersClient;
  private final Set<String> live = ConcurrentHashMap.newKeySet();
  private final String noun;
  private final Logger log;
  private final boolean removeOnExit;
  private final boolean reaper;
  private final boolean sweep;
  /** The endpoint the owner's connections go to; null for a caller's client. */
  private final Endpoint endpoint;
  private volatile boolean reaped;
  /** What {@link #removeOnExit} registered: what the owner has on the engine, and its close. */
  private volatile Supplier<List<String>> onEngine;
  private volatile Runnable closeAtExit;

  private EngineOwner(Connection connection, Logger log) {
    SecretLoggers.warnAtDebug(log); // before the first request: the Authorization header goes on each
    this.noun = connection.noun;
    this.log = log;
    this.removeOnExit = connection.removeOnExit;
    this.identity = Map.of(OwnerLabels.HOST, LocalOwners.hostName(), OwnerLabels.USER, LocalOwners.userName(),
        OwnerLabels.APPLICATION, connection.applicationName);
    Map<String, String> all = new java.util.HashMap<>(identity);
    all.putAll(Map.of(OwnerLabels.MANAGED, "true", OwnerLabels.OWNER, OwnerLabels.currentOwner(), OwnerLabels.LAUNCHER, id,
        OwnerLabels.AT_EXIT, connection.removeOnExit ? "remove" : "keep"));
    this.labels = Map.copyOf(all);
    this.session = connection.open(Map.of(OwnerLabels.LAUNCHER, id));
    this.callersClient = connection.callersClient();
    this.endpoint = connection.chosenEndpoint();
    this.reaper = connection.reaper;
    this.sweep = connection.sweep;
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

  /** The owner labels everything this owner creates carries: its identity, and those of {@link OwnerLabels}. */
  public Map<String, String> labels() {
    return labels;
  }

  /**
   * The owner's identity: {@value OwnerLabels#HOST}, {@value OwnerLabels#USER} and
   * {@value OwnerLabels#APPLICATION} with their values; {@link Cleanup#LEFTOVERS} removes only what
   * dead owners of the same identity left.
   */
  public Map<String, String> identity() {
    return identity;
  }

  /** Of {@code managed}, what {@code whose} removes for this owner ({@link Cleanup#select}). */
  public <T> List<T> select(Cleanup whose, Iterable<T> managed, Function<T, Map<String, String>> labelsOf) {
    return whose.select(managed, labelsOf, identity);
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
   * Registers this owner for the JVM's exit, unless its builder said {@link Connection#keepOnExit()}
   * (then logs at INFO that it will not be): if the JVM ends before {@link #close} begins, the exit
   * hook runs {@code close} within {@link #EXIT_DEADLINE} and logs at INFO what was removed. Then,
   * unless the builder said {@link Connection#withoutReaper()}, or the owner is on a caller's client,
   * has the {@link Reaper} watch it and, unless {@link Connection#withoutLeftoverSweep()}, starts the
   * {@link LeftoverSweep} of what dead owners of its identity left. Call it once, at the end of the
   * owner's constructor.
   *
   * @param onEngine what the owner has made and not removed, each as the log names it
   *     ({@code container 0123456789ab}, {@code network NAME}); read before and after {@code close}
   * @param close the owner's own close, which ends in {@link #close}
   */
  public void removeOnExit(Supplier<List<String>> onEngine, Runnable close) {
    if (!removeOnExit) {
      log.info("{} {} keeps what it creates on the engine when the JVM exits without close() (keepOnExit)",
          noun, id);
      return;
    }
    this.onEngine = Objects.requireNonNull(onEngine, "onEngine");
    this.closeAtExit = Objects.requireNonNull(close, "close");
    LIVE_OWNERS.add(this);
    if (!reaper) {
      log.info("{} {} has no reaper (withoutReaper): if the JVM dies without its exit hook (kill -9, OOM kill), what"
          + " it made stays on the engine until a cleanupLeftovers()", noun, id);
    } else if (endpoint == null) {
      log.info("{} {} has no reaper: it uses the caller's docker-java client, whose endpoint cannot be told; if the"
          + " JVM dies without its exit hook (kill -9, OOM kill), what it made stays until a cleanupLeftovers()",
          noun, id);
    } else {
      boolean services = noun.equals("deployer"); // a Swarm deployer's services go first
      reaped = Reaper.watch(id, services, endpoint);
      if (sweep) {
        LeftoverSweep.start(noun, id, endpoint, identity, services, log);
      } else {
        log.info("{} {} sweeps nothing at start (withoutLeftoverSweep): what dead processes of its identity left"
            + " stays on the engine until a cleanupLeftovers()", noun, id);
      }
    }
    if (EXIT_HOOK_ADDED.compareAndSet(false, true)) {
      try {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> removeAtExit(List.copyOf(LIVE_OWNERS), EXIT_DEADLINE),
            "carapace-exit"));
      } catch (IllegalStateException exiting) {
        LIVE_OWNERS.remove(this);
        log.warn("{} {}: the JVM is already exiting, what it creates is not removed at exit: close() it", noun, id);
      }
    }
  }

  /** Whether this owner is registered for the JVM's exit: {@link #removeOnExit} and not closed. */
  public boolean registeredForExit() {
    return LIVE_OWNERS.contains(this);
  }

  /**
   * The exit hook's work, on the owners still registered and {@link #EXIT_DEADLINE}: closes each of
   * {@code owners} that registered, each on its own daemon thread, and waits at most {@code deadline}
   * for them all; an owner not done by then is interrupted and logged at WARN with what it still has
   * on the engine.
   *
   * @return the ids of the owners not done within {@code deadline}
   */
  static List<String> removeAtExit(List<EngineOwner> owners, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    Map<EngineOwner, Thread> running = new java.util.LinkedHashMap<>();
    for (EngineOwner owner : owners) {
      if (owner.closeAtExit == null) {
        continue;
      }
      Thread t = new Thread(owner::closeAtExit, "carapace-exit-" + owner.noun + "-" + owner.id);
      t.setDaemon(true);
      t.start();
      running.put(owner, t);
    }
    List<String> late = new ArrayList<>();
    for (Map.Entry<EngineOwner, Thread> r : running.entrySet()) {
      try {
        r.getValue().join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (r.getValue().isAlive()) {
        EngineOwner owner = r.getKey();
        late.add(owner.id);
        List<String> left = owner.onEngine.get();
        if (left.isEmpty()) {
          owner.log.warn("{} {}: at JVM exit, removal not finished within {}, though nothing it tracked is left:"
              + " the engine may still be stopping what belonged to it", owner.noun, owner.id, deadline);
        } else {
          owner.log.warn("{} {}: at JVM exit, removal not finished within {}, left on the engine: {}"
              + " (a later cleanupLeftovers() removes them)", owner.noun, owner.id, deadline, describe(left));
        }
        r.getValue().interrupt();
      }
    }
    return late;
  }

  /** At the JVM's exit: runs the owner's close and logs what it removed, or what it could not. */
  private void closeAtExit() {
    long t0 = System.nanoTime();
    List<String> before = onEngine.get();
    RuntimeException failed = null;
    try {
      closeAtExit.run();
    } catch (RuntimeException e) {
      failed = e;
    }
    List<String> left = onEngine.get();
    List<String> removed = new ArrayList<>(before);
    removed.removeAll(left);
    if (!removed.isEmpty()) {
      log.info("{} {}: removed at JVM exit, close() was not called: {} ({} ms)", noun, id, describe(removed),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
    if (failed != null) {
      log.warn("{} {}: at JVM exit, removal failed, left on the engine: {}: {} (a later cleanupLeftovers() removes"
          + " them)", noun, id, describe(left), failed.getMessage());
    }
  }

  private static String describe(List<String> things) {
    return things.isEmpty() ? "nothing tracked" : String.join(", ", things);
  }

  /**
   * Runs each of {@code removals} (the owner's own things: networks, services), then closes the
   * session, which removes the containers it still tracks and closes the connections it opened. Every
   * step runs whatever the others did; the first failure is thrown, the later ones suppressed in it.
   * The owner is no longer registered for the JVM's exit from here on.
   */
  public void close(Runnable... removals) {
    LIVE_OWNERS.remove(this);
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
      throw failed; // still watched: the reaper removes what is left if the JVM dies
    }
    if (reaped) {
      reaped = false;
      Reaper.release(id);
    }
  }

  /** Whether the {@link Reaper} watches this owner: registered, with an endpoint, and not closed cleanly. */
  public boolean reaped() {
    return reaped;
  }
}
