package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.carapace.core.testing.RewritingProxy;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A create the launcher gave up on (its answer did not come within the response timeout) whose
 * container or network the engine made anyway is found by its {@value OwnerLabels#CREATE} label and
 * removed by the launcher: at its next call, or before {@link ContainerLauncher#close()} returns. The engine never
 * hangs here: a proxy in front of it forwards the create (at once, or late, as a frozen engine that
 * resumes) and never passes its answer on. The delays printed are the grace: how long after the
 * engine answered the launcher again the container was gone.
 */
class CreateGivenUpOnIT {
  private static final Path SOCKET = Path.of("/var/run/docker.sock");
  private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(2);
  private static ContainerLauncher observer;
  private static DockerClient docker;

  @BeforeAll
  static void observe() {
    observer = TestEngine.launcher();
    docker = observer.dockerClient();
  }

  @AfterAll
  static void close() {
    observer.close();
  }

  @Test
  void theNextCallRemovesTheContainerOfACreateGivenUpOn() throws Exception {
    String launcherId = null;
    try (RewritingProxy proxy = new RewritingProxy(SOCKET, create -> { })) {
      try (ContainerLauncher launcher = launcherThrough(proxy)) {
        launcherId = launcher.id();
        RewritingProxy.Held held = proxy.holdNextCreate(Duration.ZERO);
        LaunchException e = assertThrows(LaunchException.class, () -> launcher.launch(busybox("sleep", "60").build()));
        assertEquals(LaunchException.Step.CREATE, e.step());
        assertTrue(e.getMessage().contains("unreachable or not answering"), e.getMessage());
        String lost = held.awaitContainer(Duration.ofSeconds(10));
        assertTrue(exists(lost), "the engine made the container whose answer was lost");
        assertEquals(held.createLabel(), docker.inspectContainerCmd(lost).exec().getConfig().getLabels()
            .get(OwnerLabels.CREATE), "the container carries its create's label");

        GoneWatch watch = new GoneWatch(lost, CreateGivenUpOnIT::exists);
        long t0 = System.nanoTime();
        try (RunningContainer next = launcher.launch(busybox("sleep", "60").build())) {
          long launched = System.nanoTime();
          long[] goneAt = {watch.await(5_000)};
          assertTrue(!exists(lost), "the next call removed the container of the create given up on");
          assertTrue(exists(next.id()), "and kept its own");
          assertEquals(List.of(next.id()), TestEngine.containersOf(docker, launcherId));
          System.out.printf("next call: the container of the create given up on was gone %d ms after the next"
              + " launch began; that launch took %d ms%n", TimeUnit.NANOSECONDS.toMillis(goneAt[0] - t0),
              TimeUnit.NANOSECONDS.toMillis(launched - t0));
          assertTrue(goneAt[0] != 0 && goneAt[0] <= launched, "removed before the next launch returned");
        }
      }
    } finally {
      removeLeft(launcherId);
    }
    assertEquals(List.of(), TestEngine.containersOf(docker, launcherId));
  }

  /**
   * The look for a create given up on lists all of the launcher's containers, among them one whose
   * create is still under way on another thread (made, its answer not back yet): only the container
   * carrying the given-up create's own label goes, the other launch completes.
   */
  @Test
  void aCreateStillUnderWayIsNotTakenForOneGivenUpOn() throws Exception {
    String launcherId = null;
    java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
    try (RewritingProxy proxy = new RewritingProxy(SOCKET, create -> { })) {
      try (ContainerLauncher launcher = launcherThrough(proxy);
          RunningContainer first = launcher.launch(busybox("sleep", "60").build())) {
        launcherId = launcher.id();
        // the given-up create is carried out 1 s after the launcher gave up, while the next create is under way
        RewritingProxy.Held held = proxy.holdNextCreate(RESPONSE_TIMEOUT.plusSeconds(1));
        assertThrows(LaunchException.class, () -> launcher.launch(busybox("sleep", "60").build()));
        RewritingProxy.Held slow = proxy.delayNextCreateAnswer(Duration.ofMillis(1800));
        java.util.concurrent.Future<RunningContainer> second = other.submit(() -> launcher.launch(
            busybox("sleep", "60").build()));
        String underWay = slow.awaitContainer(Duration.ofSeconds(10));
        String lost = held.awaitContainer(Duration.ofSeconds(10));
        // calls on this thread look (every 200 ms at most) while the second create waits for its answer
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (exists(lost) && System.nanoTime() < end) {
          assertTrue(first.isRunning());
          Thread.sleep(50);
        }
        assertTrue(!exists(lost), "the container of the create given up on was removed");
        assertTrue(!second.isDone(), "while the second create was still waiting for its answer");
        assertTrue(exists(underWay), "whose container was listed too, and kept");
        try (RunningContainer s = second.get(30, TimeUnit.SECONDS)) {
          assertEquals(underWay, s.id());
          assertTrue(s.isRunning());
        }
      }
    } finally {
      other.shutdownNow();
      removeLeft(launcherId);
    }
    assertEquals(List.of(), TestEngine.containersOf(docker, launcherId));
  }

  /**
   * The engine "resumes" 1 s after the launcher gave up and only then carries out the create: close(),
   * begun before the container appears, looks for it every 200 ms, removes it and returns. The delays
   * are printed for the report.
   */
  @Test
  void closeWaitsForTheContainerOfACreateGivenUpOnThatAppearsLate() throws Exception {
    String launcherId = null;
    try (RewritingProxy proxy = new RewritingProxy(SOCKET, create -> { })) {
      ContainerLauncher launcher = launcherThrough(proxy);
      RewritingProxy.Held held;
      try {
        launcherId = launcher.id();
        held = proxy.holdNextCreate(RESPONSE_TIMEOUT.plusSeconds(1));
        assertThrows(LaunchException.class, () -> launcher.launch(busybox("sleep", "60").build()));
        assertEquals(List.of(), TestEngine.containersOf(docker, launcherId), "not made yet when the launcher gave up");
      } catch (RuntimeException | Error e) {
        launcher.close();
        throw e;
      }
      closeRemovesWhatAppearsLate(launcher, held, "container", CreateGivenUpOnIT::exists);
    } finally {
      removeLeft(launcherId);
    }
  }

  /**
   * A create given up on, then the engine gone (its proxy closed) before close(): close() cannot look for the
   * container and says so with the library's own exception, step {@code remove}, never docker-java's. The
   * container the engine made is removed by the test.
   */
  @Test
  void closeWithTheEngineGoneThrowsTheLibrarysException() throws Exception {
    String launcherId = null;
    try {
      ContainerLauncher launcher;
      try (RewritingProxy proxy = new RewritingProxy(SOCKET, create -> { })) {
        launcher = launcherThrough(proxy);
        launcherId = launcher.id();
        RewritingProxy.Held held = proxy.holdNextCreate(Duration.ZERO);
        assertThrows(LaunchException.class, () -> launcher.launch(busybox("sleep", "60").build()));
        held.awaitContainer(Duration.ofSeconds(10));
      }
      RuntimeException e = assertThrows(RuntimeException.class, launcher::close);
      assertTrue(e instanceof ContainerOperationException, "the library's exception, not " + e);
      assertEquals(EngineException.Step.REMOVE, ((ContainerOperationException) e).step());
    } finally {
      removeLeft(launcherId);
    }
  }

  /**
   * A network create given up on, whose network the engine made: the launcher's next call (a run) removes
   * it, and says so at INFO naming it. The delay printed runs from the next call's start to the network's end.
   */
  @Test
  void theNextCallRemovesTheNetworkOfACreateGivenUpOn() throws Exception {
    String launcherId = null;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream err = System.err;
    System.setErr(new PrintStream(new TeeStream(err, log), true, StandardCharsets.UTF_8));
    try (RewritingProxy proxy = new RewritingProxy(SOCKET, create -> { })) {
      try (ContainerLauncher launcher = launcherThrough(proxy)) {
        launcherId = launcher.id();
        String name = "carapace-it-given-up-" + launcherId.substring(0, 8);
        RewritingProxy.Held held = proxy.holdNextNetworkCreate(Duration.ZERO);
        LaunchException e = assertThrows(LaunchException.class, () -> launcher.createNetwork(NetworkSpec.of(name)));
        assertEquals(LaunchException.Step.CREATE, e.step());
        assertTrue(e.getMessage().contains("network " + name) && e.getMessage().contains("unreachable or not answering"),
            e.getMessage());
        String lost = held.awaitContainer(Duration.ofSeconds(10));
        assertTrue(networkExists(lost), "the engine made the network whose answer was lost");
        assertEquals(held.createLabel(), docker.inspectNetworkCmd().withNetworkId(lost).exec().getLabels()
            .get(OwnerLabels.CREATE), "the network carries its create's label");

        GoneWatch watch = new GoneWatch(lost, CreateGivenUpOnIT::networkExists);
        long t0 = System.nanoTime();
        RunResult next = launcher.run(busybox("true").build(), Duration.ofSeconds(30));
        long returned = System.nanoTime();
        long[] goneAt = {watch.await(5_000)};
        assertEquals(0, next.exitCode());
        assertTrue(!networkExists(lost), "the next call removed the network of the create given up on");
        System.out.printf("next call: the network of the create given up on was gone %d ms after the next call"
            + " began; that call took %d ms%n", TimeUnit.NANOSECONDS.toMillis(goneAt[0] - t0),
            TimeUnit.NANOSECONDS.toMillis(returned - t0));
        assertTrue(goneAt[0] != 0 && goneAt[0] <= returned, "removed before the next call returned");
        assertLoggedNetworkRemoval(log, launcherId, name);
      }
    } finally {
      System.setErr(err);
      removeLeft(launcherId);
    }
    assertEquals(List.of(), networksOf(launcherId));
  }

  /**
   * The engine "resumes" 1 s after the launcher gave up on a network create and only then carries it
   * out: close(), begun before the network appears, looks for it every 200 ms, removes it, logs it at
   * INFO and returns.
   */
  @Test
  void closeWaitsForTheNetworkOfACreateGivenUpOnThatAppearsLate() throws Exception {
    String launcherId = null;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream err = System.err;
    System.setErr(new PrintStream(new TeeStream(err, log), true, StandardCharsets.UTF_8));
    try (RewritingProxy proxy = new RewritingProxy(SOCKET, create -> { })) {
      ContainerLauncher launcher = launcherThrough(proxy);
      RewritingProxy.Held held;
      String name;
      try {
        launcherId = launcher.id();
        name = "carapace-it-given-up-late-" + launcherId.substring(0, 8);
        held = proxy.holdNextNetworkCreate(RESPONSE_TIMEOUT.plusSeconds(1));
        assertThrows(LaunchException.class, () -> launcher.createNetwork(NetworkSpec.of(name)));
        assertEquals(List.of(), networksOf(launcherId), "not made yet when the launcher gave up");
      } catch (RuntimeException | Error e) {
        launcher.close();
        throw e;
      }
      closeRemovesWhatAppearsLate(launcher, held, "network", CreateGivenUpOnIT::networkExists);
      assertLoggedNetworkRemoval(log, launcherId, name);
    } finally {
      System.setErr(err);
      removeLeft(launcherId);
    }
    assertEquals(List.of(), networksOf(launcherId));
  }

  /**
   * Closes {@code launcher} while the {@code kind} of {@code held} has not appeared yet; asserts that
   * close() removed it within a poll of its appearance, and prints the delays.
   */
  private static void closeRemovesWhatAppearsLate(ContainerLauncher launcher, RewritingProxy.Held held, String kind,
      java.util.function.Predicate<String> exists) throws InterruptedException {
    long closing = System.nanoTime();
    launcher.close();
    long closed = System.nanoTime();
    String lost = held.awaitContainer(Duration.ofSeconds(10));
    assertTrue(!exists.test(lost), "close() removed " + lost);
    long appearedToGone = closed - held.engineAnsweredAt();
    System.out.printf("close(): began %d ms before the %s appeared, returned %d ms after it appeared (%d ms in all)%n",
        TimeUnit.NANOSECONDS.toMillis(held.engineAnsweredAt() - closing), kind,
        TimeUnit.NANOSECONDS.toMillis(appearedToGone), TimeUnit.NANOSECONDS.toMillis(closed - closing));
    assertTrue(appearedToGone < TimeUnit.SECONDS.toNanos(2), "removed within a poll of its appearance: "
        + TimeUnit.NANOSECONDS.toMillis(appearedToGone) + " ms");
  }

  /** The INFO line naming the network of a create given up on that the launcher removed. */
  private static void assertLoggedNetworkRemoval(ByteArrayOutputStream log, String launcherId, String name) {
    String line = "INFO dev.carapace.core.ContainerLauncher - launcher " + launcherId + ": removed network " + name
        + " of a create given up on (no answer within PT2S), ";
    assertTrue(log.toString(StandardCharsets.UTF_8).contains(line), "no line '" + line + "' in:\n" + log);
  }

  /** A thread that notes when a container or network is first gone ({@link System#nanoTime()}). */
  private static final class GoneWatch {
    private final Thread thread;
    private volatile long goneAt;

    GoneWatch(String id, java.util.function.Predicate<String> exists) {
      thread = new Thread(() -> {
        try {
          while (exists.test(id)) {
            Thread.sleep(10);
          }
        } catch (InterruptedException stop) {
          return;
        }
        goneAt = System.nanoTime();
      }, "watch-" + id);
      thread.start();
    }

    /** When it was gone, waiting at most {@code millis} for it; 0 if it was not. */
    long await(long millis) throws InterruptedException {
      thread.join(millis);
      return goneAt;
    }
  }

  /** Writes to both streams: the console keeps its log, the test reads it. */
  private static final class TeeStream extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    TeeStream(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) throws IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }

  private static boolean networkExists(String id) {
    try {
      docker.inspectNetworkCmd().withNetworkId(id).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private static List<String> networksOf(String launcherId) {
    return docker.listNetworksCmd().withFilter("label", List.of(OwnerLabels.LAUNCHER + "=" + launcherId)).exec()
        .stream().map(com.github.dockerjava.api.model.Network::getId).toList();
  }

  /**
   * A removal another party began (the reaper, a start-up sweep, another process's cleanup) and that is
   * still under way when this launcher's own is refused with 409: remove() returns once the container is
   * gone, not while the engine still lists it.
   */
  @Test
  void aRemovalUnderWayElsewhereIsAwaitedUntilTheContainerIsGone() throws Exception {
    try (RewritingProxy proxy = new RewritingProxy(SOCKET, create -> { });
        ContainerLauncher launcher = launcherThrough(proxy)) {
      RunningContainer c = launcher.launch(busybox("sleep", "60").build());
      try {
        proxy.removeElsewhereOnNextDelete(Duration.ofMillis(1000));
        long t0 = System.nanoTime();
        c.remove();
        long ms = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(!exists(c.id()), "remove() returned after " + ms + " ms with the container still on the engine");
        assertTrue(ms >= 900, "remove() waited for the other removal: " + ms + " ms");
        System.out.println("remove() with a removal under way elsewhere returned after " + ms + " ms, container gone");
      } finally {
        if (exists(c.id())) { // the test failed: the container is still there, the JVM may end before the proxy's DELETE
          docker.removeContainerCmd(c.id()).withForce(true).exec();
        }
      }
    }
  }

  private static ContainerLauncher launcherThrough(RewritingProxy proxy) {
    return ContainerLauncher.connect(Endpoint.plainTcp("127.0.0.1", proxy.port()).responseTimeout(RESPONSE_TIMEOUT));
  }

  private static boolean exists(String id) {
    try {
      docker.inspectContainerCmd(id).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** On a failure, what the test's launcher left: removed so that the engine holds nothing of it. */
  private static void removeLeft(String launcherId) {
    if (launcherId == null) {
      return;
    }
    TestEngine.removeContainersOf(docker, launcherId);
    for (String id : networksOf(launcherId)) {
      docker.removeNetworkCmd(id).exec();
    }
  }
}
