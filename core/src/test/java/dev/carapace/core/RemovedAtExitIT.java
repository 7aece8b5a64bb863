package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.testing.TestEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * What a launcher made is removed when its JVM ends without {@code close()}, however it ends: main
 * returns, {@code System.exit(0)}, SIGTERM, SIGINT. Each case runs {@link LaunchThenEnd} in a child JVM
 * on the test class path, ends it, and asserts that the engine lists nothing carrying its launcher's
 * label, that the child's log has the INFO line naming what was removed, and that the child ended
 * within the exit's bound, and that its reaper process ended without a word (the hook released the
 * launcher). {@code kill -9} runs no shutdown hook: there the reaper removes what the child made, also
 * through TLS with basic auth; with {@code withoutReaper()} the container stays.
 *
 * <p>What such a child leaves with {@code keepOnExit()} is its application's leftover: removed by the
 * {@code cleanupLeftovers()} of a launcher of the same application name, not by another application's,
 * and by {@code cleanupLeftoversOfAllApplications()}.
 *
 * <p>The cases run concurrently (each mostly waits on child JVMs and the engine). Each child that leaves
 * something behind while its case runs (a kill, a hung engine, {@code keepOnExit()}) has an application name
 * no other case's launcher sweeps or cleans; only {@code cleanupLeftoversOfAllApplications()} takes every
 * application's leftovers, so that case runs alone ({@link #LEFTOVERS}).
 */
@Execution(ExecutionMode.CONCURRENT)
class RemovedAtExitIT {
  /**
   * The dead processes' leftovers on the engine: read (left, or swept by an application's own launchers) by
   * every case, written by the one that removes those of all applications.
   */
  private static final String LEFTOVERS = "engine leftovers of all applications";
  /** The exit hook waits at most 10 s; the JVM's start and end add a few. */
  private static final long CHILD_END_SECONDS = 30;
  private static DockerClient docker;

  @BeforeAll
  static void connect() {
    docker = DockerClients.connect(TestEngine.endpoint());
  }

  @AfterAll
  static void disconnect() throws IOException {
    docker.close();
  }

  /** The child, its first line ({@code launched ...}) split in words, and everything it printed. */
  private static final class Child {
    final Process process;
    final String launcherId;
    final String containerId;
    final String network;
    /** The reaper process the child started, if any. */
    final java.util.Optional<ProcessHandle> reaper;
    final StringBuilder output = new StringBuilder();
    private final Thread reader;
    /** {@link System#nanoTime()} when {@link #end} saw the child's end. */
    long endedAt;

    Child(String... args) throws IOException {
      this(System.getProperty("carapace.docker.host", ""), List.of(args));
    }

    /** @param dockerHost the engine the child uses, as {@code -Dcarapace.docker.host} */
    Child(String dockerHost, List<String> args) throws IOException {
      List<String> command = new ArrayList<>();
      if (signalIgnored(2) || signalIgnored(15)) {
        // started in the background without job control, this JVM ignores SIGINT, and so would its
        // child (a JVM leaves an ignored SIGINT ignored): let the child's JVM install its handlers
        command.addAll(List.of("env", "--default-signal=INT,TERM"));
      }
      // C1 only: a child lives seconds, and compiling with C1 alone cuts its CPU time by 40% (2.0 s -> 1.2 s user)
      command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
          "-Dcarapace.docker.host=" + dockerHost,
          LaunchThenEnd.class.getName()));
      command.addAll(args);
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String first = null;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        output.append(line).append('\n');
        if (line.startsWith("launched ")) {
          first = line;
          break;
        }
      }
      if (first == null) {
        process.destroyForcibly();
        throw new AssertionError("the child launched nothing:\n" + output);
      }
      String second = lines.readLine();
      output.append(second).append('\n');
      reaper = second.equals("reaper none") ? java.util.Optional.empty()
          : ProcessHandle.of(Long.parseLong(second.substring("reaper ".length())));
      String[] words = first.split(" ", -1);
      launcherId = words[1];
      containerId = words[2];
      network = words[3];
      reader = new Thread(() -> {
        try {
          for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            synchronized (output) {
              output.append(line).append('\n');
            }
          }
        } catch (IOException e) {
          // the child is gone
        }
      });
      reader.start();
    }

    void signal(String name) throws Exception {
      assertEquals(0, new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start()
          .waitFor(), "kill -" + name);
    }

    /** Waits for the child's end; its exit code. */
    int end() throws Exception {
      if (!process.waitFor(CHILD_END_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the child's JVM did not end within " + CHILD_END_SECONDS + " s:\n" + output());
      }
      endedAt = System.nanoTime();
      reader.join(5000); // a reaper holds the pipe open until it ends too
      return process.exitValue();
    }

    /** Whatever happened: ends the child, and removes what its launcher left (a failed test's). */
    void killAndRemoveItsObjects() {
      process.destroyForcibly();
      reaper.ifPresent(ProcessHandle::destroyForcibly);
      java.util.Map<String, String> mine = java.util.Map.of(OwnerLabels.LAUNCHER, launcherId);
      docker.listContainersCmd().withShowAll(true).withLabelFilter(mine).exec()
          .forEach(c -> docker.removeContainerCmd(c.getId()).withForce(true).exec());
      docker.listNetworksCmd().withFilter("label", List.of(OwnerLabels.LAUNCHER + "=" + launcherId)).exec()
          .forEach(n -> docker.removeNetworkCmd(n.getId()).exec());
    }

    String output() {
      synchronized (output) {
        return output.toString();
      }
    }
  }

  /** Whether this JVM ignores signal {@code number} (its {@code SigIgn} mask, Linux). */
  private static boolean signalIgnored(int number) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (number - 1))) != 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return false;
  }

  /**
   * The option naming an application of this case's own ({@code app=carapace-it-WHAT-...}): the launchers of
   * other cases, which run concurrently, neither sweep nor clean what its dead child leaves.
   */
  private static String ownApplication(String what) {
    return "app=carapace-it-" + what + "-" + Long.toHexString(System.nanoTime());
  }

  /** The engine's networks carrying launcher {@code launcherId}'s label. */
  private static int networksOf(String launcherId) {
    String filter = "{\"label\":[\"" + OwnerLabels.LAUNCHER + "=" + launcherId + "\"]}";
    JsonNode listed = TestEngine.getJson("/networks?filters=" + URLEncoder.encode(filter, StandardCharsets.UTF_8)).get(0);
    return listed.size();
  }

  /**
   * Runs the child with {@code args}, ends it by {@code signal} (null: it ends by itself), and asserts
   * its exit code, that the engine holds nothing of its launcher, and its INFO line.
   */
  private static void endsAndLeavesNothing(String signal, int exitCode, String... args) throws Exception {
    Child child = new Child(args);
    try {
      assertEquals(1, TestEngine.containersOf(docker, child.launcherId).size(), "launched: " + child.output());
      long t0 = System.nanoTime();
      if (signal != null) {
        child.signal(signal);
      }
      int exit = child.end();
      long ms = (child.endedAt - t0) / 1_000_000;
      System.out.println("RemovedAtExitIT: " + String.join(" ", args) + (signal == null ? "" : " kill -" + signal)
          + ": the child ended " + ms + " ms after the " + (signal == null ? "launch" : "signal"));
      String output = child.output();
      assertEquals(exitCode, exit, output);
      assertEquals(List.of(), TestEngine.containersOf(docker, child.launcherId), output);
      assertEquals(0, networksOf(child.launcherId), output);
      String removed = "INFO dev.carapace.core.ContainerLauncher - launcher " + child.launcherId
          + ": removed at JVM exit, close() was not called: container " + child.containerId.substring(0, 12)
          + (child.network.isEmpty() ? "" : ", network " + child.network) + " (";
      assertTrue(output.contains(removed), "no line '" + removed + "' in:\n" + output);
      output.lines().filter(l -> l.contains(removed)).forEach(l -> System.out.println("RemovedAtExitIT: child: " + l));
      // the exit hook released the launcher: the reaper finds nothing to do, says nothing, and ends
      assertTrue(child.reaper.isPresent(), output);
      assertTrue(child.reaper.get().onExit().get(10, TimeUnit.SECONDS) != null, output);
      child.reader.join(5000);
      assertTrue(!child.output().contains("[carapace-reaper]"), child.output());
    } finally {
      child.killAndRemoveItsObjects();
    }
  }

  @Test
  @ResourceLock(value = LEFTOVERS, mode = ResourceAccessMode.READ)
  void mainReturnsWithoutClose() throws Exception {
    endsAndLeavesNothing(null, 0, "return", "container");
  }

  @Test
  @ResourceLock(value = LEFTOVERS, mode = ResourceAccessMode.READ)
  void systemExit() throws Exception {
    endsAndLeavesNothing(null, 0, "exit", "container");
  }

  @Test
  @ResourceLock(value = LEFTOVERS, mode = ResourceAccessMode.READ)
  void sigterm() throws Exception {
    endsAndLeavesNothing("TERM", 143, "wait", "container");
  }

  @Test
  @ResourceLock(value = LEFTOVERS, mode = ResourceAccessMode.READ)
  void sigint() throws Exception {
    endsAndLeavesNothing("INT", 130, "wait", "container");
  }

  @Test
  @ResourceLock(value = LEFTOVERS, mode = ResourceAccessMode.READ)
  void aNetworkWithItsContainerOnSigterm() throws Exception {
    endsAndLeavesNothing("TERM", 143, "wait", "network");
  }

  /**
   * A plain TCP proxy to the engine that forwards both ways until {@link #freeze}; from then on it
   * swallows every byte and answers nothing: an engine that hangs, for this proxy's clients only.
   */
  private static final class HangingProxy implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final List<java.io.Closeable> open = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean frozen;

    HangingProxy() throws IOException {
      URI engine = TestEngine.endpoint().uri();
      assertEquals("unix", engine.getScheme(), "the proxy forwards to the engine's unix socket");
      daemon(() -> {
        while (!server.isClosed()) {
          try {
            Socket client = server.accept();
            SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(engine.getPath()));
            open.add(client);
            open.add(upstream);
            daemon(() -> {
              pump(client.getInputStream(), upstream);
              upstream.shutdownOutput(); // an end passes through, as a request's end
            });
            daemon(() -> {
              pump(upstream, client.getOutputStream());
              client.shutdownOutput(); // as the end of an exec's stream
            });
          } catch (IOException e) {
            return; // closed
          }
        }
      });
    }

    private static void daemon(Pumping body) {
      Thread t = new Thread(() -> {
        try {
          body.run();
        } catch (IOException e) {
          // a side closed
        }
      }, "hanging-proxy");
      t.setDaemon(true);
      t.start();
    }

    private interface Pumping {
      void run() throws IOException;
    }

    private void pump(InputStream from, SocketChannel to) throws IOException {
      byte[] buffer = new byte[8192];
      for (int n = from.read(buffer); n >= 0; n = from.read(buffer)) {
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
        while (!frozen && chunk.hasRemaining()) {
          to.write(chunk);
        }
      }
    }

    private void pump(SocketChannel from, OutputStream to) throws IOException {
      ByteBuffer buffer = ByteBuffer.allocate(8192);
      while (from.read(buffer) >= 0) {
        if (!frozen) {
          to.write(buffer.array(), 0, buffer.position());
          to.flush();
        }
        buffer.clear();
      }
    }

    String dockerHost() {
      return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    void freeze() {
      frozen = true;
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (open) {
        for (java.io.Closeable c : open) {
          c.close();
        }
      }
    }
  }

  @Test
  @ResourceLock(value = LEFTOVERS, mode = ResourceAccessMode.READ)
  void aHungEngineHoldsTheExitTenSecondsAtMost() throws Exception {
    try (HangingProxy proxy = new HangingProxy()) {
      Child child = new Child(proxy.dockerHost(), List.of("wait", "container", ownApplication("hung")));
      try {
        proxy.freeze();
        long t0 = System.nanoTime();
        child.signal("TERM");
        int exit = child.end();
        long ms = (child.endedAt - t0) / 1_000_000;
        System.out.println("RemovedAtExitIT: engine hung, kill -TERM: the child ended " + ms + " ms after the signal");
        String output = child.output();
        assertEquals(143, exit, output);
        assertTrue(ms >= 9_500 && ms < 25_000, "ended " + ms + " ms after SIGTERM: " + output);
        String late = "WARN dev.carapace.core.ContainerLauncher - launcher " + child.launcherId + ": at JVM exit,"
            + " removal not finished within PT10S, left on the engine: container " + child.containerId.substring(0, 12)
            + " (a later cleanupLeftovers() removes them)";
        assertTrue(output.contains(late), "no line '" + late + "' in:\n" + output);
        assertEquals(List.of(child.containerId), TestEngine.containersOf(docker, child.launcherId),
            "the engine never heard the removal");
      } finally {
        child.killAndRemoveItsObjects();
      }
    }
  }

  /**
   * {@code kill -9}: no hook runs; the reaper the child started removes its container and network.
   * Prints the delay from the kill to the engine listing nothing of the launcher, and the reaper's
   * standing cost while it waited (resident memory, threads, CPU time over 2 s idle).
   */
  @Test
  @ResourceLock(value = LEFTOVERS, mode = ResourceAccessMode.READ)
  void killMinus9TheReaperRemovesTheContainerAndTheNetwork() throws Exception {
    reaps("network");
  }

  /** The same through nginx with TLS, a client certificate and basic auth: the reaper gets them all. */
  @Test
  @ResourceLock(value = LEFTOVERS, mode = ResourceAccessMode.READ)
  void killMinus9ThroughTlsAndBasicAuth() throws Exception {
    reaps("container", "nginx-tls");
  }

  private static void reaps(String what, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("wait", what));
    args.addAll(List.of(options));
    // what the kill leaves is the reaper's to remove: no other case's launcher may sweep it first
    args.add(ownApplication("reaped"));
    Child child = new Child(System.getProperty("carapace.docker.host", ""), args);
    try {
      assertTrue(child.reaper.isPresent(), "no reaper: " + child.output());
      long pid = child.reaper.get().pid();
      long ticks0 = cpuTicks(pid);
      Thread.sleep(2000);
      long idleTicks = cpuTicks(pid) - ticks0;
      System.out.println("RemovedAtExitIT: reaper " + pid + " standing cost: " + procStatus(pid, "VmRSS") + " resident (" + procStatus(pid, "RssAnon")
          + " of it anonymous, the rest mapped files the JVM shares), "
          + procStatus(pid, "Threads") + " threads, " + idleTicks + " CPU ticks (1/100 s) in 2 s idle");
      assertEquals(1, TestEngine.containersOf(docker, child.launcherId).size(), child.output());
      long t0 = System.nanoTime();
      child.signal("KILL");
      // not child.end() first: it waits for the pipe's end, which the reaper holds until its second look is done
      long gone = -1;
      while (System.nanoTime() - t0 < 30_000_000_000L) {
        if (TestEngine.containersOf(docker, child.launcherId).isEmpty() && networksOf(child.launcherId) == 0) {
          gone = (System.nanoTime() - t0) / 1_000_000;
          break;
        }
        Thread.sleep(20);
      }
      assertEquals(137, child.end(), child.output());
      assertTrue(child.reaper.get().onExit().get(30, TimeUnit.SECONDS) != null);
      child.reader.join(5000);
      String output = child.output();
      System.out.println("RemovedAtExitIT: kill -9 " + String.join(" ", args) + ": the engine held nothing of the"
          + " launcher " + gone + " ms after the kill");
      assertTrue(gone >= 0, "still on the engine 30 s after kill -9:\n" + output);
      String line = "[carapace-reaper] JVM ";
      String removed = "without closing " + child.launcherId + " on ";
      String named = "removed container " + child.containerId.substring(0, 12)
          + (child.network.isEmpty() ? "" : ", network " + child.network) + " (";
      assertTrue(output.lines().anyMatch(l -> l.startsWith(line) && l.contains(removed) && l.contains(named)),
          "no reaper line naming what it removed in:\n" + output);
      output.lines().filter(l -> l.startsWith(line)).forEach(l -> System.out.println("RemovedAtExitIT: reaper: " + l));
      assertTrue(!output.contains("basic auth as") || !output.contains(new String(dev.carapace.core.testing.TestPeers.password())),
          "the password in the output");
    } finally {
      child.killAndRemoveItsObjects();
    }
  }

  /** {@code withoutReaper()}: no reaper process, and after {@code kill -9} the container stays. */
  @Test
  @ResourceLock(value = LEFTOVERS, mode = ResourceAccessMode.READ)
  void withoutReaperKillMinus9LeavesTheContainer() throws Exception {
    Child child = new Child("wait", "container", "noreaper", "app=carapace-it-noreaper-" + Long.toHexString(System.nanoTime()));
    try {
      assertTrue(child.reaper.isEmpty(), child.output());
      assertTrue(child.output().contains("has no reaper (withoutReaper)"), child.output());
      child.signal("KILL");
      assertEquals(137, child.end(), child.output());
      Thread.sleep(2000);
      assertEquals(List.of(child.containerId), TestEngine.containersOf(docker, child.launcherId));
    } finally {
      child.killAndRemoveItsObjects();
    }
  }

  /**
   * A power cut, or a kill of the whole process group or cgroup: the JVM and its reaper die together
   * ({@code kill -KILL REAPER JVM}, one command), and what the child made stays. The next launcher of
   * the same identity (host, user, application name), in a second child, removes it when it starts its
   * reaper, off its caller's thread, and logs it at INFO; a dead process of another application keeps
   * its container, and so does a launcher of the same application built with {@code keepOnExit()}.
   * Prints the delay from the second child's start to the engine listing nothing of the first.
   */
  @Test
  @ResourceLock(value = LEFTOVERS, mode = ResourceAccessMode.READ)
  void aDeathTheReaperDiesInTooIsSweptByTheNextStartOfTheSameIdentity() throws Exception {
    String run = Long.toHexString(System.nanoTime());
    String app = "carapace-it-sweep-" + run;
    String host = System.getProperty("carapace.docker.host", "");
    List<Child> children = new ArrayList<>();
    try {
      Child dead = new Child(host, List.of("wait", "network", "app=" + app));
      children.add(dead);
      Child otherApplication = new Child(host, List.of("wait", "container", "app=carapace-it-sweep-other-" + run));
      children.add(otherApplication);
      Child kept = new Child(host, List.of("exit", "container", "keep", "app=" + app));
      children.add(kept);
      assertEquals(0, kept.end(), kept.output());
      for (Child c : List.of(dead, otherApplication)) {
        assertTrue(c.reaper.isPresent(), c.output());
        // the reaper first: it must not see its JVM's end
        assertEquals(0, new ProcessBuilder("kill", "-KILL", String.valueOf(c.reaper.get().pid()),
            String.valueOf(c.process.pid())).inheritIO().start().waitFor());
        assertEquals(137, c.end(), c.output());
        assertTrue(c.reaper.get().onExit().get(10, TimeUnit.SECONDS) != null);
      }
      Thread.sleep(2000);
      assertEquals(List.of(dead.containerId), TestEngine.containersOf(docker, dead.launcherId),
          "the JVM and its reaper died together: nothing removed its container");
      assertEquals(1, networksOf(dead.launcherId), "nor its network");
      assertTrue(!dead.output().contains("[carapace-reaper]"), dead.output());

      long t0 = System.nanoTime();
      long[] goneAt = {-1};
      Thread watch = new Thread(() -> { // from the second child's start, concurrently with it
        try {
          while (System.nanoTime() - t0 < 30_000_000_000L) {
            if (TestEngine.containersOf(docker, dead.launcherId).isEmpty() && networksOf(dead.launcherId) == 0) {
              goneAt[0] = System.nanoTime();
              return;
            }
            Thread.sleep(20);
          }
        } catch (InterruptedException stop) {
          // the test ended
        }
      }, "watch-sweep");
      watch.start();
      Child next = new Child(host, List.of("wait", "container", "app=" + app));
      children.add(next);
      long launched = System.nanoTime();
      watch.join(30_000);
      long gone = goneAt[0];
      assertTrue(gone > 0, "the dead process's container and network still there 30 s after the next start:\n"
          + next.output());
      String line = "INFO dev.carapace.core.ContainerLauncher - launcher " + next.launcherId
          + ": removed what dead processes of its identity (host " + OwnerLabels.hostName() + ", user "
          + System.getProperty("user.name") + ", application " + app + ") left: ";
      long end = System.nanoTime() + 5_000_000_000L;
      while (!next.output().contains(line) && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      String logged = next.output().lines().filter(l -> l.contains(line)).findFirst()
          .orElseThrow(() -> new AssertionError("no line '" + line + "' in:\n" + next.output()));
      assertTrue(logged.contains("container " + dead.containerId.substring(0, 12)) && logged.contains("network "
          + dead.network), logged);
      assertTrue(!logged.contains(kept.containerId.substring(0, 12))
          && !logged.contains(otherApplication.containerId.substring(0, 12)), logged);
      System.out.println("RemovedAtExitIT: JVM and reaper killed together; the next start of the same identity: the"
          + " engine held nothing of the dead process " + (gone - t0) / 1_000_000 + " ms after the second child was"
          + " started (its launch done after " + (launched - t0) / 1_000_000 + " ms); child: " + logged);
      assertEquals(List.of(otherApplication.containerId), TestEngine.containersOf(docker, otherApplication.launcherId),
          "another application's dead process keeps its container");
      assertEquals(List.of(kept.containerId), TestEngine.containersOf(docker, kept.launcherId),
          "what a keepOnExit() launcher of the same application made stays");
      assertEquals(List.of(next.containerId), TestEngine.containersOf(docker, next.launcherId), "the next keeps its own");
      next.signal("TERM");
      assertEquals(143, next.end(), next.output());
    } finally {
      children.forEach(Child::killAndRemoveItsObjects);
    }
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
  }

  private static String procStatus(long pid, String key) throws IOException {
    return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith(key + ":"))
        .map(l -> l.substring(key.length() + 1).trim()).findFirst().orElse("?");
  }

  @Test
  @ResourceLock(value = LEFTOVERS, mode = ResourceAccessMode.READ)
  void keepOnExitLeavesTheContainerAndSaysSo() throws Exception {
    Child child = new Child("exit", "container", "keep");
    try {
      assertEquals(0, child.end(), child.output());
      assertEquals(List.of(child.containerId), TestEngine.containersOf(docker, child.launcherId), child.output());
      assertTrue(child.output().contains("INFO dev.carapace.core.ContainerLauncher - launcher " + child.launcherId
          + " keeps what it creates on the engine when the JVM exits without close() (keepOnExit)"), child.output());
      assertTrue(!child.output().contains("removed at JVM exit"), child.output());
      // the child's application name is its default, its main class: a launcher of that name cleans up
      try (ContainerLauncher launcher = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
          .applicationName(LaunchThenEnd.class.getName()).build()) {
        assertTrue(launcher.cleanupLeftovers().contains(child.containerId), "the child is dead: its container is a leftover");
      }
      assertEquals(List.of(), TestEngine.containersOf(docker, child.launcherId));
    } finally {
      child.killAndRemoveItsObjects();
    }
  }

  @Test
  @ResourceLock(value = LEFTOVERS, mode = ResourceAccessMode.READ_WRITE)
  void aLeftoverOfApplicationBSurvivesTheCleanupOfApplicationAAndGoesWithAllApplications() throws Exception {
    String run = Long.toHexString(System.nanoTime());
    String a = "carapace-it-app-a-" + run;
    String b = "carapace-it-app-b-" + run;
    Child childA = new Child("exit", "container", "keep", "app=" + a);
    Child childB = new Child("exit", "container", "keep", "app=" + b);
    // made by Carapace 0.1: managed and owner labels only, of a dead process of this host
    String legacy = docker.createContainerCmd(TestEngine.BUSYBOX).withCmd("true")
        .withLabels(java.util.Map.of(OwnerLabels.MANAGED, "true", OwnerLabels.OWNER, "2147483646@" + OwnerLabels.hostName() + "@1",
            OwnerLabels.LAUNCHER, "carapace-it-legacy-" + run))
        .exec().getId();
    try {
      assertEquals(0, childA.end(), childA.output());
      assertEquals(0, childB.end(), childB.output());
      java.util.Map<String, String> labelsOfB = docker.inspectContainerCmd(childB.containerId).exec().getConfig().getLabels();
      assertEquals(b, labelsOfB.get(OwnerLabels.APPLICATION));
      assertEquals(OwnerLabels.hostName(), labelsOfB.get(OwnerLabels.HOST));
      assertEquals(System.getProperty("user.name"), labelsOfB.get(OwnerLabels.USER));
      try (ContainerLauncher launcherOfA = ContainerLauncher.builder().endpoint(TestEngine.endpoint()).applicationName(a)
          .build()) {
        List<String> removed = launcherOfA.cleanupLeftovers();
        assertEquals(List.of(childA.containerId), removed, "A's own leftover, and nothing else");
        assertEquals(List.of(), TestEngine.containersOf(docker, childA.launcherId));
        assertEquals(List.of(childB.containerId), TestEngine.containersOf(docker, childB.launcherId),
            "B's leftover survives A's cleanup");
        assertEquals(legacy, docker.inspectContainerCmd(legacy).exec().getId(), "0.1's leftover is no application's");

        List<String> all = launcherOfA.cleanupLeftoversOfAllApplications();
        assertTrue(all.containsAll(List.of(childB.containerId, legacy)), all.toString());
        assertEquals(List.of(), TestEngine.containersOf(docker, childB.launcherId));
        assertEquals(List.of(), docker.listContainersCmd().withShowAll(true)
            .withLabelFilter(java.util.Map.of(OwnerLabels.LAUNCHER, "carapace-it-legacy-" + run)).exec());
      }
    } finally {
      childA.killAndRemoveItsObjects();
      childB.killAndRemoveItsObjects();
      try {
        docker.removeContainerCmd(legacy).withForce(true).exec();
      } catch (com.github.dockerjava.api.exception.NotFoundException expected) {
        // removed by the cleanup
      }
    }
  }
}
