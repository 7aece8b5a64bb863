package dev.carapace.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.Endpoint;
import dev.carapace.core.OwnerLabels;
import dev.carapace.core.internal.values.LocalOwners;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.MessageFormatter;

/** The owner skeleton without an engine: the builder's choice, labels, tracking, cleanup and close. */
class EngineOwnerTest {
  /** A caller's client whose transport answers nothing: every test here must send no request. */
  static DockerClient silentClient() {
    DockerHttpClient none = new DockerHttpClient() {
      @Override
      public Response execute(Request request) {
        throw new AssertionError("no request expected: " + request.path());
      }

      @Override
      public void close() {}
    };
    return DockerClientImpl.getInstance(DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost("tcp://127.0.0.1:1").build(), none);
  }

  @Test
  void endpointAndClientAreExclusiveNamingWhatIsBuilt() {
    EngineOwner.Connection c = new EngineOwner.Connection("deployer");
    c.endpoint(Endpoint.unixSocket(java.nio.file.Path.of("/var/run/docker.sock")));
    assertEquals("endpoint and dockerClient are exclusive: both set (call endpoint(..) for a deployer with its own"
        + " connections, or dockerClient(..) to reuse yours, not both)",
        assertThrows(IllegalStateException.class, () -> c.dockerClient(silentClient())).getMessage());
    EngineOwner.Connection other = new EngineOwner.Connection("audit");
    other.dockerClient(silentClient());
    assertTrue(other.callersClient());
    assertThrows(IllegalStateException.class, () -> other.endpoint(Endpoint.unixSocket(java.nio.file.Path.of("/var/run/docker.sock"))));
    assertEquals("stream timeout must be positive: PT0S",
        assertThrows(IllegalArgumentException.class, () -> other.streamTimeout(Duration.ZERO)).getMessage());
  }

  @Test
  void anOwnerLabelsWhatItMakesAndHandsOutTheCallersClient() {
    DockerClient client = silentClient();
    EngineOwner.Connection c = new EngineOwner.Connection("launcher");
    c.dockerClient(client);
    EngineOwner owner = EngineOwner.open(c, LoggerFactory.getLogger(EngineOwnerTest.class));
    EngineOwner second = EngineOwner.open(c, LoggerFactory.getLogger(EngineOwnerTest.class));
    assertNotEquals(owner.id(), second.id());
    Map<String, String> identity = Map.of(OwnerLabels.HOST, LocalOwners.hostName(),
        OwnerLabels.USER, System.getProperty("user.name"), OwnerLabels.APPLICATION, LocalOwners.defaultApplicationName());
    assertEquals(identity, owner.identity());
    Map<String, String> all = new java.util.HashMap<>(identity);
    all.putAll(Map.of(OwnerLabels.MANAGED, "true", OwnerLabels.OWNER, OwnerLabels.currentOwner(),
        OwnerLabels.LAUNCHER, owner.id(), OwnerLabels.AT_EXIT, "remove"));
    assertEquals(all, owner.labels());
    EngineOwner.Connection keeping = new EngineOwner.Connection("launcher");
    keeping.dockerClient(client);
    keeping.keepOnExit();
    assertEquals("keep", EngineOwner.open(keeping, LoggerFactory.getLogger(EngineOwnerTest.class)).labels()
        .get(OwnerLabels.AT_EXIT), "what a keepOnExit() owner makes says so");
    assertEquals(Map.of(OwnerLabels.LAUNCHER, owner.id()), owner.ownLabels());
    assertSame(client, owner.dockerClient());
    assertTrue(owner.callersClient());
    owner.track("a");
    owner.track("b");
    owner.forget("a");
    assertEquals(List.of("b"), owner.tracked());
    owner.close();
    second.close();
  }

  @Test
  void cleanupSelectsByTheOwnerLabelAsLocalOwnersJudgesIt() {
    String host = LocalOwners.hostName();
    List<String> owners = Arrays.asList(OwnerLabels.currentOwner(), "2147483646@" + host + "@1",
        "2147483646@another-host@1", "not-an-owner", null);
    Map<String, String> me = identity("app-a");
    java.util.function.Function<String, Map<String, String>> labelled = o -> {
      Map<String, String> labels = new java.util.HashMap<>(me);
      labels.put(OwnerLabels.OWNER, o);
      return labels;
    };
    assertEquals(List.of("2147483646@" + host + "@1"), EngineOwner.Cleanup.LEFTOVERS.select(owners, labelled, me));
    assertEquals(List.of("2147483646@" + host + "@1"),
        EngineOwner.Cleanup.LEFTOVERS_OF_ALL_APPLICATIONS.select(owners, labelled, me));
    assertEquals(owners.subList(0, 4), EngineOwner.Cleanup.ALL.select(owners, labelled, me));
  }

  private static Map<String, String> identity(String application) {
    return Map.of(OwnerLabels.HOST, LocalOwners.hostName(), OwnerLabels.USER, "alice", OwnerLabels.APPLICATION, application);
  }

  private static Map<String, String> thing(String owner, Map<String, String> identity, String... without) {
    Map<String, String> labels = new java.util.HashMap<>(identity);
    labels.put(OwnerLabels.MANAGED, "true");
    labels.put(OwnerLabels.OWNER, owner);
    for (String key : without) {
      labels.remove(key);
    }
    return labels;
  }

  @Test
  void leftoversAreThoseOfDeadOwnersOfTheSameHostUserAndApplicationOnly() {
    String dead = "2147483646@" + LocalOwners.hostName() + "@1";
    Map<String, String> a = identity("app-a");
    Map<String, String> mine = thing(dead, a);
    Map<String, String> otherApplication = thing(dead, identity("app-b"));
    Map<String, String> otherUser = thing(dead, Map.of(OwnerLabels.HOST, LocalOwners.hostName(), OwnerLabels.USER, "bob",
        OwnerLabels.APPLICATION, "app-a"));
    Map<String, String> otherHostLabel = thing(dead, Map.of(OwnerLabels.HOST, "elsewhere", OwnerLabels.USER, "alice",
        OwnerLabels.APPLICATION, "app-a"));
    Map<String, String> alive = thing(OwnerLabels.currentOwner(), a);
    // made by 0.1: owner and managed only, no identity
    Map<String, String> legacy = thing(dead, Map.of(), OwnerLabels.HOST, OwnerLabels.USER, OwnerLabels.APPLICATION);
    Map<String, String> legacyAlive = thing(OwnerLabels.currentOwner(), Map.of());
    Map<String, String> noApplication = thing(dead, a, OwnerLabels.APPLICATION);
    List<Map<String, String>> all = List.of(mine, otherApplication, otherUser, otherHostLabel, alive, legacy,
        legacyAlive, noApplication);

    assertEquals(List.of(mine), EngineOwner.Cleanup.LEFTOVERS.select(all, t -> t, a));
    assertEquals(List.of(otherApplication), EngineOwner.Cleanup.LEFTOVERS.select(all, t -> t, identity("app-b")));
    assertEquals(List.of(mine, otherApplication, otherUser, otherHostLabel, legacy, noApplication),
        EngineOwner.Cleanup.LEFTOVERS_OF_ALL_APPLICATIONS.select(all, t -> t, a));
    assertEquals(all, EngineOwner.Cleanup.ALL.select(all, t -> t, a));
    assertFalse(EngineOwner.Cleanup.ALL.covers(null, a), "no labels: nobody's");
    assertFalse(EngineOwner.Cleanup.ALL.covers(Map.of(OwnerLabels.MANAGED, "true"), a), "no owner: nobody's");
  }

  /**
   * The start-up sweep takes what cleanupLeftovers takes, less what was to outlive its owner (keepOnExit)
   * and what does not say (no at-exit label): never another identity's, never a live owner's.
   */
  @Test
  void theSweepTakesDeadOwnersLeftoversOfTheSameIdentityThatTheirOwnerWouldHaveRemoved() {
    String dead = "2147483646@" + LocalOwners.hostName() + "@1";
    Map<String, String> a = identity("app-a");
    Map<String, String> removable = with(thing(dead, a), OwnerLabels.AT_EXIT, "remove");
    Map<String, String> kept = with(thing(dead, a), OwnerLabels.AT_EXIT, "keep");
    Map<String, String> unsaid = thing(dead, a);
    Map<String, String> otherApplication = with(thing(dead, identity("app-b")), OwnerLabels.AT_EXIT, "remove");
    Map<String, String> alive = with(thing(OwnerLabels.currentOwner(), a), OwnerLabels.AT_EXIT, "remove");
    Map<String, String> otherHost = with(thing("2147483646@elsewhere@1", a), OwnerLabels.AT_EXIT, "remove");
    List<Map<String, String>> all = List.of(removable, kept, unsaid, otherApplication, alive, otherHost);

    assertEquals(List.of(removable), EngineOwner.Cleanup.SWEEP.select(all, t -> t, a));
    assertEquals(List.of(removable, kept, unsaid), EngineOwner.Cleanup.LEFTOVERS.select(all, t -> t, a),
        "cleanupLeftovers() takes what keepOnExit() owners made too: it is asked for");
    assertEquals(List.of(otherApplication), EngineOwner.Cleanup.SWEEP.select(all, t -> t, identity("app-b")));
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    labels.put(key, value);
    return labels;
  }

  @Test
  void anOwnersApplicationNameIsTheBuildersOrTheDefaultAndIsValidated() {
    EngineOwner.Connection c = new EngineOwner.Connection("launcher");
    c.dockerClient(silentClient());
    EngineOwner unnamed = EngineOwner.open(c, LoggerFactory.getLogger(EngineOwnerTest.class));
    assertEquals(LocalOwners.defaultApplicationName(), unnamed.identity().get(OwnerLabels.APPLICATION));
    c.applicationName("billing-worker");
    EngineOwner named = EngineOwner.open(c, LoggerFactory.getLogger(EngineOwnerTest.class));
    assertEquals("billing-worker", named.identity().get(OwnerLabels.APPLICATION));
    assertEquals("billing-worker", named.labels().get(OwnerLabels.APPLICATION));
    assertEquals(java.util.Set.of(OwnerLabels.HOST, OwnerLabels.USER, OwnerLabels.APPLICATION), named.identity().keySet());
    assertEquals("application name \"a\\u0000b\" holds a control character at index 1",
        assertThrows(IllegalArgumentException.class, () -> c.applicationName("a\0b")).getMessage());
    assertEquals("billing-worker", EngineOwner.open(c, LoggerFactory.getLogger(EngineOwnerTest.class)).identity()
        .get(OwnerLabels.APPLICATION), "a refused name changes nothing");
    unnamed.close();
    named.close();
  }

  @Test
  void closeRunsEveryStepThrowsTheFirstFailureAndSuppressesTheRest() {
    EngineOwner.Connection c = new EngineOwner.Connection("launcher");
    c.dockerClient(silentClient());
    EngineOwner owner = EngineOwner.open(c, LoggerFactory.getLogger(EngineOwnerTest.class));
    List<String> ran = new ArrayList<>();
    IllegalStateException first = new IllegalStateException("networks");
    IllegalStateException second = new IllegalStateException("services");
    IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> owner.close(
        () -> {
          ran.add("networks");
          throw first;
        },
        () -> {
          ran.add("services");
          throw second;
        },
        () -> ran.add("third")));
    assertSame(first, thrown);
    assertEquals(List.of(second), List.of(thrown.getSuppressed()));
    assertEquals(List.of("networks", "services", "third"), ran);
  }

  /** A logger that records each line at INFO and WARN as {@code LEVEL message}; everything else is off. */
  static Logger recording(List<String> lines) {
    return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
        (proxy, method, args) -> {
          String name = method.getName();
          if ((name.equals("info") || name.equals("warn")) && args != null && args[0] instanceof String) {
            Object[] rest = args.length == 2 && args[1] instanceof Object[] ? (Object[]) args[1]
                : Arrays.copyOfRange(args, 1, args.length);
            synchronized (lines) {
              lines.add(name.toUpperCase(java.util.Locale.ROOT) + " "
                  + MessageFormatter.arrayFormat((String) args[0], rest).getMessage());
            }
            return null;
          }
          switch (name) {
            case "hashCode":
              return System.identityHashCode(proxy);
            case "equals":
              return proxy == args[0];
            case "toString":
            case "getName":
              return "recording";
            default:
              return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
          }
        });
  }

  private static EngineOwner owner(String noun, List<String> log, boolean keepOnExit) {
    EngineOwner.Connection c = new EngineOwner.Connection(noun);
    c.dockerClient(silentClient());
    if (keepOnExit) {
      c.keepOnExit();
    }
    return EngineOwner.open(c, recording(log));
  }

  private static List<String> described(EngineOwner owner) {
    List<String> out = new ArrayList<>();
    owner.tracked().stream().sorted().forEach(t -> out.add("service " + t));
    return out;
  }

  @Test
  void anOwnerIsRegisteredForExitUntilItsCloseBeginsUnlessItKeepsOnExit() {
    List<String> log = new ArrayList<>();
    EngineOwner owner = owner("launcher", log, false);
    assertFalse(owner.registeredForExit(), "registered by its constructor, once it is built");
    owner.removeOnExit(() -> described(owner), owner::close);
    assertTrue(owner.registeredForExit());
    assertFalse(owner.reaped(), "a caller's client: no reaper");
    owner.close();
    assertFalse(owner.registeredForExit());
    assertEquals(List.of("INFO launcher " + owner.id() + " has no reaper: it uses the caller's docker-java client,"
        + " whose endpoint cannot be told; if the JVM dies without its exit hook (kill -9, OOM kill), what it made"
        + " stays until a cleanupLeftovers()"), log);
    log.clear();

    EngineOwner kept = owner("deployer", log, true);
    kept.removeOnExit(() -> described(kept), kept::close);
    assertFalse(kept.registeredForExit());
    assertEquals(List.of("INFO deployer " + kept.id() + " keeps what it creates on the engine when the JVM exits"
        + " without close() (keepOnExit)"), log);
    kept.close();
  }

  @Test
  void atExitEachOwnerIsClosedAndWhatItRemovedLoggedAtInfo() {
    List<String> log = new ArrayList<>();
    EngineOwner removes = owner("deployer", log, false);
    removes.track("web");
    removes.track("db");
    removes.removeOnExit(() -> described(removes), () -> {
      removes.forget("web");
      removes.forget("db");
      removes.close();
    });
    EngineOwner fails = owner("launcher", log, false);
    fails.track("a");
    fails.track("b");
    fails.removeOnExit(() -> described(fails), () -> {
      fails.forget("a");
      fails.close();
      throw new IllegalStateException("engine said no");
    });
    EngineOwner empty = owner("launcher", log, false);
    empty.removeOnExit(() -> described(empty), empty::close);
    EngineOwner unregistered = owner("launcher", log, false);

    assertEquals(List.of(), EngineOwner.removeAtExit(List.of(removes, fails, empty, unregistered), Duration.ofSeconds(10)));
    List<String> lines = new ArrayList<>(log);
    lines.removeIf(l -> l.contains(" has no reaper: it uses the caller's docker-java client"));
    lines.replaceAll(l -> l.replaceAll("\\(\\d+ ms\\)$", "(N ms)"));
    lines.sort(null);
    assertEquals(List.of(
        "INFO deployer " + removes.id() + ": removed at JVM exit, close() was not called: service db, service web (N ms)",
        "INFO launcher " + fails.id() + ": removed at JVM exit, close() was not called: service a (N ms)",
        "WARN launcher " + fails.id() + ": at JVM exit, removal failed, left on the engine: service b: engine said no"
            + " (a later cleanupLeftovers() removes them)").stream().sorted().collect(java.util.stream.Collectors.toList()),
        lines, "nothing logged for an owner with nothing on the engine, nor for one that never registered");
    for (EngineOwner o : List.of(removes, fails, empty)) {
      assertFalse(o.registeredForExit(), "closed, so unregistered");
    }
    unregistered.close();
  }

  @Test
  void aHungRemovalNeverHoldsTheExitPastItsDeadline() throws Exception {
    List<String> log = new ArrayList<>();
    EngineOwner hung = owner("deployer", log, false);
    hung.track("web");
    java.util.concurrent.CountDownLatch interrupted = new java.util.concurrent.CountDownLatch(1);
    hung.removeOnExit(() -> described(hung), () -> {
      try {
        Thread.sleep(60_000); // an engine that never answers
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
    });
    log.clear(); // its "has no reaper" line
    long t0 = System.nanoTime();
    assertEquals(List.of(hung.id()), EngineOwner.removeAtExit(List.of(hung), Duration.ofMillis(300)));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 290 && ms < 10_000, "waited " + ms + " ms"); // far under the hung removal's 60 s
    assertTrue(interrupted.await(5, java.util.concurrent.TimeUnit.SECONDS), "the late removal is interrupted");
    assertEquals("WARN deployer " + hung.id() + ": at JVM exit, removal not finished within PT0.3S, left on the"
        + " engine: service web (a later cleanupLeftovers() removes them)", log.get(0));
    assertEquals(Duration.ofSeconds(10), EngineOwner.EXIT_DEADLINE);
    hung.close();
  }
}
