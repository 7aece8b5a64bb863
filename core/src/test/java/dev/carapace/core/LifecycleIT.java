package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.BUSYBOX;
import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.core.testing.TestPeers;
import dev.carapace.tls.DockerTlsMaterial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A running container's life on the real engine: its name and addresses, pause (in the state and in
 * the kernel's cgroup freezer), restart (the verified settings read again inside), kill (a signal the
 * workload traps), and the host a published port is reached at through a unix socket and through the
 * TLS endpoint.
 */
class LifecycleIT {
  private static final Duration T = Duration.ofSeconds(60);
  private static ContainerLauncher launcher;
  private static DockerClient unixSocket;

  @BeforeAll
  static void connect() {
    launcher = TestEngine.launcher();
    unixSocket = TestPeers.unixSocket();
  }

  @AfterAll
  static void close() throws IOException {
    launcher.close();
    unixSocket.close();
  }

  private static String who(RunningContainer c) {
    return c.id().substring(0, 12);
  }

  private static JsonNode inspect(RunningContainer c) {
    return TestEngine.getJson("/containers/" + c.id() + "/json").get(0);
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A shell that stops at once on SIGTERM (PID 1 gets no signal it has no handler for). */
  private static final String IDLE = "trap 'exit 0' TERM; while true; do sleep 0.1; done";

  // ---------------------------------------------------------------- name, addresses, state

  @Test
  void nameAndIpAddressAreWhatTheEngineAndTheKernelSay() {
    String name = unique("carapace-it-lifecycle");
    try (ContainerNetwork net = launcher.createNetwork(NetworkSpec.of(unique("carapace-it-ip")));
        RunningContainer web = launcher.launch(busybox("sh", "-c",
            "mkdir -p /tmp/www && echo hello-by-ip > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www")
            .name(name).network(net.mode()).build())) {
      assertEquals(name, web.name());
      assertEquals("/" + name, inspect(web).path("Name").asText());

      String ip = web.ipAddress(net);
      assertEquals(ip, web.ipAddress(net.name()));
      // the kernel's view inside: eth0 carries that address
      ExecResult addr = web.exec("ip", "-4", "-o", "addr", "show", "eth0");
      assertTrue(addr.stdout().contains(" inet " + ip + "/"), addr.stdout());
      // a peer on the network reaches it there
      RunResult peer = launcher.run(busybox("wget", "-q", "-O", "-", "http://" + ip + ":8080/index.html")
          .network(net.mode()).build(), T);
      assertEquals("hello-by-ip\n", peer.stdout(), peer.stderr());

      IllegalArgumentException notOn = assertThrows(IllegalArgumentException.class, () -> web.ipAddress("bridge"));
      assertEquals("container network must be one it is attached to: bridge (attached: " + net.name() + ")",
          notOn.getMessage());
    }
    try (RunningContainer none = launcher.launch(busybox("sleep", "60").build())) {
      // Carapace's default network is none: attached, without an address
      assertEquals("ip address on network none needs a running container on a network that gives addresses: "
          + "running, no address given", assertThrows(IllegalStateException.class, () -> none.ipAddress("none"))
              .getMessage());
    }
  }

  @Test
  void stateIsReadAfreshEachTime() {
    Instant before = Instant.now().minusSeconds(2);
    try (RunningContainer c = launcher.launch(busybox("sh", "-c", "sleep 1; exit 3").build())) {
      ContainerState running = c.state();
      assertEquals("running", running.status());
      assertTrue(running.running());
      assertFalse(running.paused() || running.restarting() || running.oomKilled());
      assertEquals(OptionalInt.empty(), running.exitCode());
      assertTrue(running.startedAt().orElseThrow().isAfter(before), running.toString());
      assertEquals(Optional.empty(), running.finishedAt());
      assertEquals(Optional.empty(), running.health());

      assertEquals(3, c.awaitExit(T).getAsInt());
      ContainerState exited = c.state();
      assertEquals("exited", exited.status());
      assertEquals(OptionalInt.of(3), exited.exitCode());
      assertFalse(exited.running());
      assertTrue(exited.finishedAt().orElseThrow().isAfter(exited.startedAt().orElseThrow()), exited.toString());
      assertEquals(Instant.parse(inspect(c).path("State").path("FinishedAt").asText()), exited.finishedAt().get());
    }
  }

  // ---------------------------------------------------------------- pause

  @Test
  void pauseFreezesTheCgroupAndShowsInTheState() throws Exception {
    try (RunningContainer c = launcher.launch(busybox("sh", "-c",
        "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done").build())) {
      c.await(Wait.logLine(Pattern.compile("tick 3")), T);
      int pid = inspect(c).path("State").path("Pid").asInt();
      assertEquals(Freezer.THAWED, Freezer.of(pid));

      c.pause();
      ContainerState paused = c.state();
      assertEquals("paused", paused.status());
      assertTrue(paused.paused() && paused.running(), paused.toString());
      assertEquals(Freezer.FROZEN, Freezer.of(pid));
      // frozen: not one tick in half a second
      int ticks = c.logs().stdout().split("\n").length;
      Thread.sleep(500);
      assertEquals(ticks, c.logs().stdout().split("\n").length, "ticked while paused");

      ContainerOperationException twice = assertThrows(ContainerOperationException.class, c::pause);
      assertEquals(EngineException.Step.PAUSE, twice.step());
      assertEquals("pause of " + BUSYBOX + " (container " + who(c) + ") failed: container state must be running and "
          + "not paused for pause: paused: daemon said: " + twice.daemonMessage().orElseThrow(), twice.getMessage());
      assertTrue(twice.daemonMessage().get().contains("already paused"), twice.getMessage());

      c.unpause();
      assertEquals(Freezer.THAWED, Freezer.of(pid));
      ContainerState thawed = c.state();
      assertEquals("running", thawed.status());
      assertFalse(thawed.paused());
      c.await(Wait.logLine(Pattern.compile("tick " + (ticks + 3) + "$")), T);

      ContainerOperationException notPaused = assertThrows(ContainerOperationException.class, c::unpause);
      assertEquals("unpause of " + BUSYBOX + " (container " + who(c) + ") failed: container state must be paused for "
          + "unpause: running: daemon said: " + notPaused.daemonMessage().orElseThrow(), notPaused.getMessage());
    }
  }

  /** The cgroup freezer's word for a process, read on this host as the kernel shows it. */
  enum Freezer {
    FROZEN, THAWED;

    /**
     * cgroup v1: {@code freezer.state} of the process's freezer cgroup; v2: {@code frozen 1} in
     * {@code cgroup.events} of its cgroup.
     */
    static Freezer of(int pid) throws IOException {
      List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"));
      for (String line : lines) {
        String[] parts = line.split(":", 3);
        if (List.of(parts[1].split(",")).contains("freezer")) {
          String state = Files.readString(Path.of("/sys/fs/cgroup/freezer" + parts[2], "freezer.state")).strip();
          return Freezer.valueOf(state); // FREEZING would fail here: pause returns once frozen
        }
      }
      for (String line : lines) {
        if (line.startsWith("0::")) {
          List<String> events = Files.readAllLines(Path.of("/sys/fs/cgroup" + line.substring(3), "cgroup.events"));
          return events.contains("frozen 1") ? FROZEN : THAWED;
        }
      }
      throw new AssertionError("no freezer cgroup for pid " + pid + ": " + lines);
    }
  }

  // ---------------------------------------------------------------- restart

  private static SecureContainerSpec limited() {
    return busybox("sh", "-c", IDLE).user("1000:1000").memoryLimit(MemorySize.ofMebibytes(64)).pidsLimit(50)
        .readOnlyRootFilesystem(true).build();
  }

  /** What the kernel shows inside: capabilities, no-new-privileges, uid, memory and pids limits. */
  private static String inside(RunningContainer c) {
    ExecResult r = c.exec("sh", "-c", "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; id -u; "
        + "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max; touch /x 2>&1 || true");
    assertEquals(0, r.exitCode(), r.stderr());
    return r.stdout();
  }

  @Test
  void restartKeepsTheVerifiedSettings() {
    try (RunningContainer c = launcher.launch(limited())) {
      String expected = "CapEff:\t0000000000000000\nNoNewPrivs:\t1\n1000\n67108864\n50\n"
          + "touch: /x: Read-only file system\n";
      assertEquals(expected, inside(c));
      Instant firstStart = c.state().startedAt().orElseThrow();
      int firstPid = inspect(c).path("State").path("Pid").asInt();

      c.restart(Duration.ofSeconds(10));

      ContainerState again = c.state();
      assertTrue(again.running(), again.toString());
      assertTrue(again.startedAt().orElseThrow().isAfter(firstStart), again + " not after " + firstStart);
      assertNotEquals(firstPid, inspect(c).path("State").path("Pid").asInt(), "the same process: not restarted");
      assertEquals(expected, inside(c));
    }
  }

  @Test
  void restartRefusesARecordChangedSinceTheLaunchAndLeavesTheContainerStopped() {
    try (RunningContainer c = launcher.launch(limited())) {
      // someone raises the pids limit behind Carapace's back (docker update --pids-limit 200)
      unixSocket.updateContainerCmd(c.id()).withPidsLimit(200L).exec();
      ContainerOperationException e = assertThrows(ContainerOperationException.class,
          () -> c.restart(Duration.ofSeconds(10)));
      assertEquals(EngineException.Step.RESTART, e.step());
      assertEquals("restart of " + BUSYBOX + " (container " + who(c) + ") failed: the daemon's record no longer holds "
          + "what was verified at launch, so the container was left stopped: PidsLimit recorded 200, "
          + "asked 50", e.getMessage());
      ContainerState state = c.state();
      assertFalse(state.running(), state.toString());
      assertEquals("exited", state.status());
    }
  }

  // ---------------------------------------------------------------- kill

  @Test
  void killSendsASignalTheWorkloadTraps() {
    try (RunningContainer c = launcher.launch(busybox("sh", "-c",
        "trap 'echo got USR1' USR1; trap 'echo got HUP' HUP; echo ready; while true; do sleep 0.1; done").build())) {
      c.await(Wait.logLine(Pattern.compile("^ready$")), T);
      c.kill("SIGUSR1");
      c.await(Wait.logLine(Pattern.compile("^got USR1$")), T);
      c.kill("1"); // SIGHUP by number
      c.await(Wait.logLine(Pattern.compile("^got HUP$")), T);
      // PID 1 of its namespace gets no signal it has no handler for: USR2 does nothing
      c.kill("usr2");
      assertTrue(c.state().running());
      assertEquals("ready\ngot USR1\ngot HUP\n", c.logs().stdout());

      c.kill("KILL");
      assertEquals(137, c.awaitExit(T).getAsInt());
      assertEquals(OptionalInt.of(137), c.state().exitCode());

      ContainerOperationException e = assertThrows(ContainerOperationException.class, () -> c.kill("TERM"));
      assertEquals(EngineException.Step.KILL, e.step());
      assertEquals("kill of " + BUSYBOX + " (container " + who(c) + ") failed: container state must be running for "
          + "kill: exited (exit code 137): daemon said: " + e.daemonMessage().orElseThrow(), e.getMessage());
      assertTrue(e.daemonMessage().get().contains("is not running"), e.getMessage());
    }
  }

  // ---------------------------------------------------------------- the host of a published port

  /** busybox httpd on 8080, published on every interface on a port the engine chooses. */
  private static SecureContainerSpec everyInterface() {
    return PublishedPortsIT.httpd().ports(List.of(new PortBinding("0.0.0.0", 0, 8080, PortBinding.Protocol.TCP)))
        .build();
  }

  @Test
  void theHostOfAPortIsLoopbackThroughTheSocketAndTheEndpointsHostThroughTls() {
    try (RunningContainer c = launcher.launch(everyInterface())) {
      assertEquals("127.0.0.1", c.host(8080));
      c.await(Wait.portAccepts(8080), T);
    }
    Endpoint tls = Endpoint.tls("localhost", TestPeers.DOCKERD_TLS, DockerTlsMaterial.readClient(TestPeers.pki()));
    try (ContainerLauncher overTls = ContainerLauncher.connect(tls);
        RunningContainer c = overTls.launch(everyInterface())) {
      assertEquals("localhost", c.host(8080));
      int port = c.hostPort(8080);
      c.await(Wait.portAccepts(8080), T);
      c.await(Wait.http(8080, "/index.html"), T);
      WaitTimeoutException e = assertThrows(WaitTimeoutException.class,
          () -> c.await(Wait.http(8080, "/index.html", 204), Duration.ofSeconds(1)));
      assertEquals("container " + who(c) + " (" + BUSYBOX + ") port 8080/tcp must answer GET /index.html with status "
          + "204 on localhost:" + port + " within 1s: last answer: status 200 OK, body \"hello from carapace\"",
          e.getMessage());
      // a port on the engine host's loopback: that address, the endpoint being on this host
      try (RunningContainer local = overTls.launch(PublishedPortsIT.httpd().build())) {
        assertEquals("127.0.0.1", local.host(8080));
      }
    }
  }
}
