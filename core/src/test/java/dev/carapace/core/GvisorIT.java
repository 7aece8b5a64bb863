package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.BUSYBOX;
import static dev.carapace.core.testing.TestEngine.busybox;
import static dev.carapace.core.testing.TestEngine.gvisor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import dev.carapace.core.EngineException.Step;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.testing.TestEngine;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * gVisor ({@code runsc}) on the real engine: a launch is recorded with the runtime and runs on gVisor's
 * kernel; an unknown runtime is refused before create; what the sandbox shows inside, and what it
 * does not (read through inspect instead); and each hardening that still applies, read as
 * {@link LauncherIT} reads it under runc.
 */
class GvisorIT {
  private static final Duration T = Duration.ofSeconds(60);
  private static final String CGROUP_PROBE = "cat /proc/self/status; echo --cgroup; ls -A /sys/fs/cgroup | wc -l";
  private static ContainerLauncher launcher;
  private static DockerClient docker;

  @BeforeAll
  static void connect() {
    TestEngine.requireGvisor();
    launcher = TestEngine.launcher();
    docker = DockerClients.connect(TestEngine.endpoint());
  }

  @AfterAll
  static void close() throws Exception {
    launcher.close();
    docker.close();
  }

  @AfterEach
  void nothingLeft() {
    assertEquals(List.of(), TestEngine.containersOf(docker, launcher.id()), "containers left behind");
  }

  private static String out(SecureContainerSpec spec) {
    RunResult r = launcher.run(spec, T);
    assertEquals(0, r.exitCode(), r.stderr());
    return r.stdout().trim();
  }

  private static JsonNode inspect(String id) {
    return TestEngine.getJson("/containers/" + id + "/json").get(0);
  }

  @Test
  void launchUnderGvisorIsRecordedAndRunsOnGvisorsKernel() {
    try (RunningContainer c = launcher.launch(gvisor("sleep", "30").build())) {
      assertEquals("runsc", inspect(c.id()).at("/HostConfig/Runtime").asText());
    }
    String[] inside = out(gvisor("sh", "-c", "dmesg | head -n 1; uname -r").build()).split("\n");
    assertTrue(inside[0].matches("\\[ *0\\.0+\\] Starting gVisor\\.\\.\\."), inside[0]);
    assertEquals("4.4.0", inside[1], "gVisor's Sentry reports its own kernel release");
    // under runc the container sees the host's kernel
    assertEquals(System.getProperty("os.version"), out(busybox("uname", "-r").build()));
    assertNotEquals("4.4.0", System.getProperty("os.version"));
  }

  @Test
  void unknownRuntimeIsRefusedBeforeCreateNamingTheRuntimesTheEngineLists() {
    long since = System.currentTimeMillis() / 1000 - 1;
    try (ContainerLauncher fresh = TestEngine.launcher()) {
      LaunchException e = assertThrows(LaunchException.class,
          () -> fresh.run(busybox("true").runtime(ContainerRuntime.named("kata")).build(), T));
      assertEquals("create of " + BUSYBOX + " failed: runtime must be one the engine lists: kata (engine lists "
          + String.join(", ", TestEngine.runtimes()) + "; register it under \"runtimes\" in the engine's"
          + " daemon.json and reload dockerd)", e.getMessage());
      assertEquals(Step.CREATE, e.step());
      assertEquals(java.util.Optional.empty(), e.containerId());
      assertEquals(List.of(), TestEngine.containerEvents(OwnerLabels.LAUNCHER, fresh.id(), since),
          "nothing reached the engine's create");
    }
  }

  @Test
  void theEngineIsAskedForItsRuntimesOncePerLauncherAndOnlyWhenASpecNamesOne() {
    AtomicInteger infos = new AtomicInteger();
    DockerClient counting = (DockerClient) Proxy.newProxyInstance(DockerClient.class.getClassLoader(),
        new Class<?>[] {DockerClient.class}, (proxy, method, args) -> {
          if (method.getName().equals("infoCmd")) {
            infos.incrementAndGet();
          }
          try {
            return method.invoke(docker, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    try (ContainerLauncher l = ContainerLauncher.builder().dockerClient(counting).build()) {
      assertEquals(0, l.run(busybox("true").build(), T).exitCode());
      assertEquals(0, infos.get(), "a spec naming no runtime asks nothing");
      assertEquals(0, l.run(gvisor("true").build(), T).exitCode());
      assertEquals(0, l.run(gvisor("true").build(), T).exitCode());
      assertThrows(LaunchException.class, () -> l.run(busybox("true").runtime(ContainerRuntime.named("kata")).build(), T));
      assertEquals(1, infos.get(), "GET /info once per launcher");
    }
  }

  @Test
  void aNetworkUnderGvisorIsRefusedBecauseTheSandboxWouldHaveOnlyLoopback() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> gvisor("true").network(NetworkMode.bridge()).build());
    assertEquals(List.of("network must be none under gVisor: bridge (runsc runs with --network=none, so the sandbox"
        + " would have only loopback whatever the engine attaches; keep NetworkMode.none())"), e.problems());
    // why: the engine accepts such a container, records the bridge and gives it an address, and the
    // sandbox has no interface but loopback
    String id = docker.createContainerCmd(BUSYBOX).withCmd("sh", "-c", "sleep 2; ls /sys/class/net")
        .withLabels(Map.of("carapace-test.gvisor", "network"))
        .withHostConfig(HostConfig.newHostConfig().withRuntime("runsc").withNetworkMode("bridge")).exec().getId();
    try {
      docker.startContainerCmd(id).exec();
      JsonNode running = inspect(id);
      assertEquals("bridge", running.at("/HostConfig/NetworkMode").asText());
      assertTrue(running.at("/NetworkSettings/IPAddress").asText().matches("[0-9.]+"),
          running.at("/NetworkSettings").toString());
      assertEquals(0, docker.waitContainerCmd(id).start().awaitStatusCode(60, TimeUnit.SECONDS));
      assertEquals("lo", logs(id).trim());
    } finally {
      docker.removeContainerCmd(id).withForce(true).exec();
    }
    assertEquals("eth0\nlo", out(busybox("ls", "/sys/class/net").network(NetworkMode.bridge()).build()),
        "runc gives the same container its bridge interface");
  }

  private static String logs(String id) {
    StringBuilder sb = new StringBuilder();
    try {
      docker.logContainerCmd(id).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
        @Override
        public void onNext(Frame f) {
          sb.append(new String(f.getPayload(), StandardCharsets.UTF_8));
        }
      }).awaitCompletion(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return sb.toString();
  }

  @Test
  void gvisorShowsNoNoNewPrivsLineAndNoCgroupFilesInsideSoTheRecordIsWhereTheyAreRead() {
    SecureContainerSpec spec = gvisor("sh", "-c", CGROUP_PROBE)
        .memoryLimit(MemorySize.ofMebibytes(64)).pidsLimit(128).build();
    String[] inside = out(spec).split("--cgroup\n");
    assertFalse(inside[0].contains("NoNewPrivs:"), inside[0]);
    assertTrue(inside[0].contains("\nSeccomp:\t0\n"), inside[0]);
    assertEquals("0", inside[1].trim(), "no cgroup files under gVisor's /sys/fs/cgroup");
    // runc shows both
    String[] runc = out(spec.toBuilder().runtime(ContainerRuntime.engineDefault()).build()).split("--cgroup\n");
    assertTrue(ProcStatus.parse(runc[0]).noNewPrivs());
    assertNotEquals("0", runc[1].trim());
    // the engine's record says what gVisor's /proc and /sys do not
    try (RunningContainer c = launcher.launch(spec.toBuilder().command("sleep", "30").build())) {
      JsonNode hc = inspect(c.id()).path("HostConfig");
      assertEquals("runsc", hc.path("Runtime").asText());
      assertEquals("[\"no-new-privileges\"]", hc.path("SecurityOpt").toString());
      assertEquals(64L << 20, hc.path("Memory").asLong());
      assertEquals(128, hc.path("PidsLimit").asLong());
    }
  }

  @Test
  void theSpecsSeccompFilterIsRecordedButNotAppliedInsideTheSandbox() {
    Seccomp denyMkdir = Seccomp.profileJson("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
        + "[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
    RunResult runc = launcher.run(busybox("mkdir", "/tmp/d").seccomp(denyMkdir).build(), T);
    assertNotEquals(0, runc.exitCode());
    assertEquals("mkdir: can't create directory '/tmp/d': Operation not permitted", runc.stderr().trim());
    // this runsc is registered without --oci-seccomp: the filter is recorded, the Sentry does not apply it
    RunResult sandboxed = launcher.run(gvisor("mkdir", "/tmp/d").seccomp(denyMkdir).build(), T);
    assertEquals(0, sandboxed.exitCode(), sandboxed.stderr());
  }

  @Test
  void capabilitiesStillApplyAllDroppedThenAddedBack() {
    ProcStatus none = ProcStatus.parse(out(gvisor("cat", "/proc/self/status").build()));
    assertEquals("0000000000000000", none.effectiveHex());
    assertEquals(EnumSet.noneOf(Capability.class), none.bounding());
    ProcStatus added = ProcStatus.parse(out(gvisor("cat", "/proc/self/status")
        .addCapability(Capability.CHOWN, Capability.SYS_CHROOT).build()));
    assertEquals(EnumSet.of(Capability.CHOWN, Capability.SYS_CHROOT), added.effective());
    assertEquals(String.format("%016x", 1L | 1L << 18), added.effectiveHex());
    SecureContainerSpec chown = gvisor("sh", "-c", "touch /tmp/f && chown 1000 /tmp/f").build();
    RunResult denied = launcher.run(chown, T);
    assertNotEquals(0, denied.exitCode());
    assertTrue(denied.stderr().contains("Operation not permitted"), denied.stderr());
    RunResult allowed = launcher.run(chown.toBuilder().addCapability(Capability.CHOWN).build(), T);
    assertEquals(0, allowed.exitCode(), allowed.stderr());
  }

  @Test
  void userStillApplies() {
    assertEquals("1000\n1000", out(gvisor("sh", "-c", "id -u; id -g").user("1000:1000").build()));
    assertEquals(1000, ProcStatus.parse(out(gvisor("cat", "/proc/self/status").user("1000").build())).uid());
  }

  @Test
  void readOnlyRootStillApplies() {
    SecureContainerSpec spec = gvisor("sh", "-c", "touch /tmp/scratch && touch /probe")
        .readOnlyRootFilesystem(true).addMount(Mount.tmpfs(ContainerPath.of("/tmp"))).build();
    RunResult r = launcher.run(spec, T);
    assertNotEquals(0, r.exitCode());
    assertEquals("touch: /probe: Read-only file system", r.stderr().trim(), "the tmpfs was writable, the root not");
  }

  @Test
  void memoryLimitStillAppliesShownByGvisorsMeminfoAndTheOomKillerInTheRecord() {
    assertEquals("MemTotal:          65536 kB",
        out(gvisor("head", "-n", "1", "/proc/meminfo").memoryLimit(MemorySize.ofMebibytes(64)).build()));
    SecureContainerSpec hog = gvisor("sh", "-c", "x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo survived")
        .memoryLimit(MemorySize.ofMebibytes(32)).memorySwap(MemorySize.ofMebibytes(32)).build();
    try (RunningContainer c = launcher.launch(hog)) {
      OptionalInt exit = c.awaitExit(T);
      assertEquals(OptionalInt.of(137), exit);
      JsonNode state = inspect(c.id()).path("State");
      assertTrue(state.path("OOMKilled").asBoolean(), state.toString());
      assertEquals("", c.logs().stdout());
    }
  }

  @Test
  void pidsLimitStillAppliesButCountsTheSandboxsOwnThreads() {
    String flood = "i=0; while [ $i -lt 500 ]; do sleep 30 & i=$((i+1)); echo $i; done";
    RunResult runc = launcher.run(busybox("sh", "-c", flood).pidsLimit(128).build(), T);
    assertEquals("127", last(runc.stdout()), "runc: the shell and 127 children, then fork fails");
    assertTrue(runc.stderr().contains("can't fork: Resource temporarily unavailable"), runc.stderr());
    RunResult sandboxed = launcher.run(gvisor("sh", "-c", flood).pidsLimit(128).build(), T);
    int started = Integer.parseInt(last(sandboxed.stdout()));
    assertTrue(started < 64, "gVisor's own threads count against the limit: " + started + " started");
    assertEquals(2, sandboxed.exitCode(), "the sandbox ends at the limit: " + sandboxed.stderr());
    try (RunningContainer c = launcher.launch(gvisor("sleep", "30").pidsLimit(128).build())) {
      assertEquals(128, inspect(c.id()).at("/HostConfig/PidsLimit").asLong());
    }
  }

  private static String last(String stdout) {
    String[] lines = stdout.trim().split("\n");
    return lines[lines.length - 1];
  }
}
