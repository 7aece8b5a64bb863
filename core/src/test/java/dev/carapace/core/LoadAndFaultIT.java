package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.internal.engine.Reaper;
import dev.carapace.core.testing.TestEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Load, faults and crashes against the real engine: many concurrent launches, a hung daemon
 * ({@code SIGSTOP}), a daemon stopped mid-launch, a JVM killed with {@code kill -9}. Afterwards no
 * Carapace container, no connection and no thread is left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadAndFaultIT {
  private static DockerClient docker;

  @BeforeAll
  static void connect() {
    docker = DockerClients.connect(TestEngine.endpoint());
  }

  @AfterAll
  static void close() throws IOException {
    docker.close();
  }

  private static List<Container> managed() {
    return docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(OwnerLabels.MANAGED, "true")).exec();
  }

  private static long openSockets() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (IOException e) {
          return false;
        }
      }).count();
    }
  }

  private static long dockerJavaThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && (t.getName().startsWith("docker-java") || t.getName().contains("httpclient")
            || t.getName().startsWith("httpclient")))
        .count();
  }

  @Test
  @Order(1)
  void twoHundredLaunchesFromEightThreadsLeaveNothingBehind() throws Exception {
    managed();  // opens the checker's own pooled connection before the baseline
    long socketsBefore = openSockets();
    long threadsBefore = dockerJavaThreads();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    int ok;
    String launcherId;
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      launcherId = launcher.id();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i;
        results.add(pool.submit(() -> {
          try {
            RunResult r = launcher.run(busybox("sh", "-c", "echo run-" + n).readOnlyRootFilesystem(true)
                .cpuShares(512).memoryLimit(MemorySize.ofMebibytes(32)).pidsLimit(16).build(),
                Duration.ofSeconds(60));
            return r.stdout().equals("run-" + n + "\n") && r.exitCode() == 0 ? 1 : 0;
          } catch (EngineException e) {
            // a clear failure is allowed; anything else fails the test through the future
            failures.add(e.getMessage());
            return 0;
          }
        }));
      }
      ok = 0;
      for (Future<Integer> f : results) {
        ok += f.get(5, TimeUnit.MINUTES);
      }
      pool.shutdown();
      assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
    }
    assertEquals(200, ok + failures.size());
    assertTrue(failures.isEmpty(), "every launch succeeded on a healthy engine: " + failures);
    assertEquals(List.of(), docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(OwnerLabels.LAUNCHER, launcherId)).exec());
    for (int i = 0; i < 50 && (openSockets() > socketsBefore || dockerJavaThreads() > threadsBefore); i++) {
      Thread.sleep(100);
    }
    assertTrue(openSockets() <= socketsBefore, "sockets " + openSockets() + " > " + socketsBefore);
    assertTrue(dockerJavaThreads() <= threadsBefore, "threads " + dockerJavaThreads() + " > " + threadsBefore);
  }

  @Test
  @Order(2)
  void aHungDaemonNeverHangsTheCaller() throws Exception {
    long pid = dockerdPid();
    Endpoint endpoint = TestEngine.endpoint().responseTimeout(Duration.ofSeconds(2));
    String launcherId;
    try (ContainerLauncher launcher = ContainerLauncher.connect(endpoint)) {
      launcherId = launcher.id();
      signal("STOP", pid);
      try {
        LaunchException e = assertTimeoutPreemptively(Duration.ofSeconds(15),
            () -> assertThrows(LaunchException.class, () -> launcher.run(busybox("true").build(), Duration.ofSeconds(5))));
        assertEquals(LaunchException.Step.CREATE, e.step());
        assertTrue(e.getMessage().contains("unreachable or not answering: no response within PT2S"), e.getMessage());
      } finally {
        signal("CONT", pid);
      }
      awaitEngine();
      // the engine may have created the container before it froze: close() looks for it by label
    }
    assertEquals(List.of(), docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(OwnerLabels.LAUNCHER, launcherId)).exec());
  }

  @Test
  @Order(3)
  void aDaemonStoppedMidLaunchGivesAClearErrorAndCleanupLeavesNothing() throws Exception {
    long pid = dockerdPid();
    String launcherId;
    try (ContainerLauncher launcher = ContainerLauncher.connect(TestEngine.endpoint()
        .responseTimeout(Duration.ofSeconds(5)))) {
      launcherId = launcher.id();
      RunningContainer c = launcher.launch(busybox("sleep", "60").build());
      signal("TERM", pid);
      long t0 = System.nanoTime();
      EngineException e = assertThrows(EngineException.class, () -> {
        c.awaitExit(Duration.ofSeconds(20));
        // the daemon stops its containers as it exits; the next call finds no daemon
        launcher.launch(busybox("true").build());
      });
      // awaitExit's 20 s and the launch's 5 s response timeout, with room for a loaded machine
      assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(60)) < 0);
      // a socket nobody listens on any more is refused, not "not answering" (issue 18)
      assertTrue(e.getMessage().contains("unreachable or not answering")
          || e.getMessage().contains("refused the connection (is it listening there?)") || e.daemonMessage().isPresent(),
          e.getMessage());
      waitForExit(pid);
      restartEngine();
      // the stopped container is still on the engine: close() removes it
    }
    assertEquals(List.of(), docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(OwnerLabels.LAUNCHER, launcherId)).exec());
  }

  @Test
  @Order(4)
  void aJvmKilledMidLaunchLeavesContainersThatCleanupFindsByLabel() throws Exception {
    Process child = launchForever("noreaper");
    killAfterThreeLaunches(child);
    long leftovers = ownedBy(child.pid());
    assertTrue(leftovers >= 3, "kill -9 left containers behind: " + leftovers);
    // the child's application name is its default, its main class; without the start-up sweep, which would
    // take the same leftovers on a thread of its own (what this test shows is the cleanup)
    try (ContainerLauncher launcher = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
        .applicationName(LaunchForever.class.getName()).withoutLeftoverSweep().build()) {
      List<String> removed = launcher.cleanupLeftovers();
      assertTrue(removed.size() >= leftovers, removed.size() + " < " + leftovers);
    }
    assertEquals(0, ownedBy(child.pid()));
  }

  /**
   * The same kill -9 mid-launch with the reaper: everything the child made goes without a cleanup, the
   * containers of creates it sent just before it died included (the reaper's second look), and nothing
   * comes back afterwards.
   */
  @Test
  @Order(5)
  void aJvmKilledMidLaunchLeavesNothingWithItsReaper() throws Exception {
    Process child = launchForever();
    long killed = killAfterThreeLaunches(child);
    long gone = -1;
    while (System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(30)) {
      if (ownedBy(child.pid()) == 0) {
        gone = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        break;
      }
      Thread.sleep(50);
    }
    System.out.println("LoadAndFaultIT: kill -9 mid-launch: the child's containers gone " + gone + " ms after its end was seen");
    assertTrue(gone >= 0, "kill -9 left containers 30 s later: " + ownedBy(child.pid()));
    Thread.sleep(Reaper.SECOND_LOOK.toMillis() + 2000); // past the reaper's second look
    assertEquals(0, ownedBy(child.pid()), "a container appeared after the reaper's passes");
  }

  /** Waits for {@code child} to launch 3 containers, kills it (SIGKILL) and waits for its end; then, as {@link System#nanoTime()}. */
  private static long killAfterThreeLaunches(Process child) throws InterruptedException {
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (ownedBy(child.pid()) < 3 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(ownedBy(child.pid()) >= 3, "the child launched containers");
    } finally {
      child.destroyForcibly();  // SIGKILL: no close(), no shutdown hook
      child.waitFor(10, TimeUnit.SECONDS);
    }
    return System.nanoTime();
  }

  private static Process launchForever(String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "-Dcarapace.docker.host=" + TestEngine.endpoint().uri(), LaunchForever.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static long ownedBy(long pid) {
    return managed().stream().filter(c -> c.getLabels().getOrDefault(OwnerLabels.OWNER, "")
        .startsWith(pid + "@")).count();
  }

  /**
   * The child of the kill -9 tests: launches detached containers until it is killed; with
   * {@code noreaper}, {@link ContainerLauncher.Builder#withoutReaper()}.
   */
  public static final class LaunchForever {
    public static void main(String[] args) {
      ContainerLauncher.Builder builder = ContainerLauncher.builder().endpoint(TestEngine.endpoint());
      if (List.of(args).contains("noreaper")) {
        builder.withoutReaper();
      }
      ContainerLauncher launcher = builder.build();
      while (true) {
        launcher.launch(busybox("sleep", "300").build());
      }
    }
  }

  private static long dockerdPid() throws IOException {
    return Long.parseLong(Files.readString(Path.of("/var/run/docker.pid")).trim());
  }

  private static void signal(String sig, long pid) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start().waitFor());
  }

  private static void waitForExit(long pid) throws InterruptedException {
    for (int i = 0; i < 300 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); i++) {
      Thread.sleep(100);
    }
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "dockerd stopped");
  }

  /** Starts the engine again the way CI does: the testbed script is idempotent. */
  private static void restartEngine() throws Exception {
    Path script = Path.of("..", "testbed", "setup.sh").toAbsolutePath().normalize();
    Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), "testbed/setup.sh restarted dockerd");
    awaitEngine();
  }

  private static void awaitEngine() throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      try {
        docker.pingCmd().exec();
        return;
      } catch (RuntimeException e) {
        Thread.sleep(100);
      }
    }
    docker.pingCmd().exec();
  }
}
