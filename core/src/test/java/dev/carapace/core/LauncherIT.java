package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.BUSYBOX;
import static dev.carapace.core.testing.TestEngine.BUSYBOX_USER;
import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.HostConfig;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.testing.TestEngine;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The launcher against the real engine, checked by what the kernel shows inside the container. */
class LauncherIT {
  private static final Duration T = Duration.ofSeconds(30);
  private static ContainerLauncher launcher;
  private static DockerClient docker;

  @BeforeAll
  static void connect() {
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
    assertEquals(List.of(), ours(), "containers left behind by this launcher");
  }

  private static List<String> ours() {
    return TestEngine.containersOf(docker, launcher.id());
  }

  private static ProcStatus status(SecureContainerSpec spec) {
    RunResult r = launcher.run(spec, T);
    assertEquals(0, r.exitCode(), r.stderr());
    return ProcStatus.parse(r.stdout());
  }

  private static String out(SecureContainerSpec spec) {
    RunResult r = launcher.run(spec, T);
    assertEquals(0, r.exitCode(), r.stderr());
    return r.stdout().trim();
  }

  @Test
  void defaultSpecDropsEveryCapabilityAndSetsNoNewPrivs() {
    ProcStatus s = status(busybox("cat", "/proc/self/status").build());
    assertEquals("0000000000000000", s.effectiveHex());
    assertEquals(Set0(), s.bounding());
    assertTrue(s.noNewPrivs());
    assertEquals(2, s.seccompMode(), "default seccomp profile is a filter");
  }

  private static EnumSet<Capability> Set0() {
    return EnumSet.noneOf(Capability.class);
  }

  @Test
  void dockerDefaultsWithoutDropAllShowTheFourteenCapabilities() {
    ProcStatus s = status(busybox("cat", "/proc/self/status").keepDockerDefaultCapabilities().build());
    assertEquals("00000000a80425fb", s.effectiveHex());
    assertEquals(Capability.dockerDefaults(), s.effective());
  }

  @Test
  void seedsCapDropListRemovesEachNamedCapability() {
    SecureContainerSpec spec = busybox("cat", "/proc/self/status").keepDockerDefaultCapabilities()
        .dropCapability("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "KILL", "MKNOD", "NET_RAW", "SETGID",
            "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "AUDIT_WRITE")
        .build();
    assertEquals("0000000000000000", status(spec).effectiveHex());
    SecureContainerSpec netRawOnly = busybox("cat", "/proc/self/status").keepDockerDefaultCapabilities()
        .dropCapability("net_raw").build();
    ProcStatus s = status(netRawOnly);
    assertEquals("00000000a80405fb", s.effectiveHex());
    assertFalse(s.effective().contains(Capability.NET_RAW));
  }

  @Test
  void dropAllThenAddBackGivesExactlyThoseCapabilities() {
    ProcStatus s = status(busybox("cat", "/proc/self/status")
        .addCapability("CHOWN", "cap_sys_chroot", "NET_RAW").build());
    assertEquals(EnumSet.of(Capability.CHOWN, Capability.SYS_CHROOT, Capability.NET_RAW), s.effective());
    assertEquals(String.format("%016x", 1L | 1L << 13 | 1L << 18), s.effectiveHex());
  }

  @Test
  void chownNeedsChownCapability() {
    SecureContainerSpec without = busybox("sh", "-c", "touch /tmp/f && chown 1000 /tmp/f").build();
    RunResult denied = launcher.run(without, T);
    assertNotEquals(0, denied.exitCode());
    assertTrue(denied.stderr().contains("Operation not permitted"), denied.stderr());
    RunResult allowed = launcher.run(without.toBuilder().addCapability(Capability.CHOWN).build(), T);
    assertEquals(0, allowed.exitCode(), allowed.stderr());
  }

  @Test
  void cpusetAndSharesReachTheCgroup() {
    String out = out(busybox("sh", "-c",
        "cat /sys/fs/cgroup/cpuset/cpuset.cpus /sys/fs/cgroup/cpu/cpu.shares")
        .cpusetCpus(CpuSet.parse("1")).cpuShares(512).build());
    assertEquals("1\n512", out);
  }

  @Test
  void memoryAndPidsLimitsReachTheCgroup() {
    String out = out(busybox("sh", "-c",
        "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max")
        .memoryLimit(MemorySize.ofMebibytes(64)).pidsLimit(100).build());
    assertEquals((64L << 20) + "\n100", out);
  }

  @Test
  void initRunsAsPidOneAndUlimitsReachTheKernel() {
    String out = out(busybox("sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline; echo; ulimit -n")
        .init(true).addUlimit(Ulimit.parse("nofile=100:200")).build());
    assertTrue(out.startsWith("/sbin/docker-init -- sh -c"), out);
    assertTrue(out.endsWith("\n100"), out);
  }

  @Test
  void readOnlyBindMountIsReadableButNotWritable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Files.writeString(dir.resolve("config"), "from-the-host");
    RunResult r = launcher.run(busybox("sh", "-c", "cat /config/config && echo x > /config/new")
        .addMount(Mount.bind(dir.toString(), ContainerPath.of("/config")).asReadOnly()).build(), T);
    assertEquals("from-the-host", r.stdout().trim());
    assertNotEquals(0, r.exitCode());
    assertTrue(r.stderr().contains("Read-only file system"), r.stderr());
    assertFalse(java.nio.file.Files.exists(dir.resolve("new")));
  }

  @Test
  void portPublishedOnLoopbackServesHttp() throws Exception {
    try (RunningContainer c = launcher.launch(busybox("httpd", "-f", "-p", "80", "-h", "/www")
        .network(NetworkMode.bridge()).addPort(new PortBinding("127.0.0.1", 0, 80, PortBinding.Protocol.TCP)).build())) {
      InspectContainerResponse r = docker.inspectContainerCmd(c.id()).exec();
      com.github.dockerjava.api.model.Ports.Binding b = r.getNetworkSettings().getPorts().getBindings()
          .get(com.github.dockerjava.api.model.ExposedPort.tcp(80))[0];
      assertEquals("127.0.0.1", b.getHostIp());
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String body = "";
      for (int i = 0; i < 50 && !body.contains("hello"); i++) {
        try {
          body = http.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + b.getHostPortSpec() + "/")).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException notYet) {
          Thread.sleep(100);
        }
      }
      assertEquals("hello-from-carapace\n", body);
    }
  }

  @Test
  void specHealthCheckStopSignalAndRestartPolicyAreRecordedAndRun() throws InterruptedException {
    try (RunningContainer c = launcher.launch(busybox("sleep", "30")
        .healthCheck(HealthCheck.exec("true").interval(Duration.ofMillis(200)).retries(1))
        .stopSignal("SIGINT").stopTimeout(Duration.ofSeconds(3))
        .restartPolicy(RestartPolicy.onFailure(2)).build())) {
      InspectContainerResponse r = docker.inspectContainerCmd(c.id()).exec();
      assertEquals("SIGINT", rawInspect(c.id()).at("/Config/StopSignal").asText());
      assertEquals(3, rawInspect(c.id()).at("/Config/StopTimeout").asInt());
      assertEquals("on-failure", r.getHostConfig().getRestartPolicy().getName());
      assertEquals(2, r.getHostConfig().getRestartPolicy().getMaximumRetryCount());
      String status = "";
      for (int i = 0; i < 50 && !status.equals("healthy"); i++) {
        Thread.sleep(100);
        status = c.healthStatus().orElse("");
      }
      assertEquals("healthy", status);
    }
  }

  /** The container's inspect JSON as the engine sent it (docker-java's model lacks some fields). */
  private static com.fasterxml.jackson.databind.JsonNode rawInspect(String id) {
    return TestEngine.getJson("/containers/" + id + "/json").get(0);
  }

  @Test
  void unlimitedPidsIsVerifiedAndReachesTheCgroup() {
    // the engine records -1 as null: the verifier must read that as "no limit"
    assertEquals("max", out(busybox("cat", "/sys/fs/cgroup/pids/pids.max").unlimitedPids().build()));
  }

  @Test
  void readOnlyRootRefusesWritesWhileTmpfsAccepts() {
    RunResult r = launcher.run(busybox("sh", "-c",
        "echo x > /tmp/ok && cat /tmp/ok && echo y > /data/no")
        .readOnlyRootFilesystem(true)
        .addMount(Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(8)))
        .build(), T);
    assertEquals("x", r.stdout().trim());
    assertNotEquals(0, r.exitCode());
    assertTrue(r.stderr().contains("Read-only file system"), r.stderr());
  }

  @Test
  void userRunsWithThatUid() {
    assertEquals("1000:1000", out(busybox("sh", "-c", "echo $(id -u):$(id -g)").user("1000:1000").build()));
    assertEquals("1000", out(SecureContainerSpec.builder().image(BUSYBOX_USER).command("id", "-u").build()));
  }

  @Test
  void stdoutAndStderrAreApartAndExitCodeKept() {
    RunResult r = launcher.run(busybox("sh", "-c", "echo out; echo err >&2; exit 3").build(), T);
    assertEquals(3, r.exitCode());
    assertEquals("out\n", r.stdout());
    assertEquals("err\n", r.stderr());
  }

  @Test
  void syslogDriverDeliversOutputAsDatagrams() throws Exception {
    try (DatagramSocket listener = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(10_000);
      SecureContainerSpec spec = busybox("echo", "hello-syslog")
          .logConfig(LogConfig.builder("syslog")
              .option("syslog-address", "udp://127.0.0.1:" + listener.getLocalPort())
              .option("tag", "carapace-it").build())
          .build();
      RunResult r = launcher.run(spec, T);
      assertEquals(0, r.exitCode());
      byte[] buf = new byte[4096];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      listener.receive(p);
      String datagram = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
      assertTrue(datagram.contains("carapace-it"), datagram);
      assertTrue(datagram.contains("hello-syslog"), datagram);
    }
  }

  @Test
  void selinuxAndApparmorOptionsAreRecordedThoughThisKernelEnforcesNeither() {
    try (RunningContainer c = launcher.launch(busybox("true")
        .selinuxLabel(SelinuxLabel.parse("label:type:docker_apache_t"))
        .apparmorProfile("docker-default").build())) {
      InspectContainerResponse r = docker.inspectContainerCmd(c.id()).exec();
      List<String> opts = r.getHostConfig().getSecurityOpts();
      assertTrue(opts.contains("label=type:docker_apache_t"), opts.toString());
      assertTrue(opts.contains("apparmor=docker-default"), opts.toString());
      assertTrue(opts.contains("no-new-privileges"), opts.toString());
    }
  }

  @Test
  void detachedHandleWaitsStatsStopsAndRemoves() {
    RunningContainer c = launcher.launch(busybox("sh", "-c", "echo started; sleep 30")
        .memoryLimit(MemorySize.ofMebibytes(32)).build());
    try {
      assertTrue(c.isRunning());
      assertEquals(OptionalInt.empty(), c.awaitExit(Duration.ofMillis(300)));
      ContainerStats s = c.stats();
      assertTrue(s.memoryUsageBytes() > 0, s.toString());
      assertEquals(32L << 20, s.memoryLimitBytes());
      assertTrue(s.pids() >= 1, s.toString());
      assertEquals(Runtime.getRuntime().availableProcessors(), s.perCpuNanos().size(), s.toString());
      assertEquals(s.cpuTotalNanos(), s.perCpuNanos().stream().mapToLong(Long::longValue).sum(), s.toString());
      c.stop(Duration.ofSeconds(1));
      OptionalInt exit = c.awaitExit(T);
      assertTrue(exit.isPresent());
      assertEquals("started\n", c.logs().stdout());
    } finally {
      c.close();
    }
    c.close();
    assertTrue(docker.listContainersCmd().withShowAll(true).withIdFilter(List.of(c.id())).exec().isEmpty());
  }

  @Test
  void logsAndRunKeepOneMebibyteOfEachStreamAndSayWhenTheyCut() {
    // 1 MiB + 10 bytes on stdout (the json-file driver splits it into 16 KiB lines), 4 bytes on stderr
    SecureContainerSpec loud = busybox("sh", "-c", "head -c 1048586 /dev/zero | tr '\\0' a; echo err >&2").build();
    RunResult r = launcher.run(loud, T);
    assertEquals(0, r.exitCode());
    assertEquals(1 << 20, r.stdout().length());
    assertTrue(r.stdout().chars().allMatch(ch -> ch == 'a'));
    assertTrue(r.stdoutTruncated());
    assertEquals("err\n", r.stderr());
    assertFalse(r.stderrTruncated());
    try (RunningContainer c = launcher.launch(loud)) {
      assertEquals(OptionalInt.of(0), c.awaitExit(T));
      ContainerLogs logs = c.logs(MemorySize.ofMebibytes(2));
      assertEquals(1048586, logs.stdout().length());
      assertFalse(logs.stdoutTruncated());
      ContainerLogs cut = c.logs(MemorySize.ofBytes(3));
      assertEquals(new ContainerLogs("aaa", "err", true, true), cut);
    }
  }

  @Test
  void imageHealthCheckReportsHealthy() throws InterruptedException {
    try (RunningContainer c = launcher.launch(SecureContainerSpec.builder().image(BUSYBOX_USER)
        .command("sleep", "30").build())) {
      String status = "";
      for (int i = 0; i < 50 && !status.equals("healthy"); i++) {
        Thread.sleep(100);
        status = c.healthStatus().orElse("");
      }
      assertEquals("healthy", status);
    }
  }

  @Test
  void journaldRefusalKeepsDaemonMessageAndLeavesNothing() {
    // Engine 20.10 accepts the create and refuses at start, when it initialises the driver
    LaunchException e = assertThrows(LaunchException.class,
        () -> launcher.run(busybox("true").logConfig(LogConfig.journald()).build(), T));
    assertEquals(LaunchException.Step.START, e.step());
    assertTrue(e.daemonMessage().orElse("").contains("journald is not enabled on this host"), e.getMessage());
    assertTrue(e.getMessage().startsWith("start of carapace-test/busybox:1 (container "),
        e.getMessage());
  }

  @Test
  void cpusBeyondTheEnginesAreRefusedBeforeCreate() {
    int n = Runtime.getRuntime().availableProcessors();
    String cpus = n == 1 ? "0" : "0-" + (n - 1);
    LaunchException e = assertThrows(LaunchException.class,
        () -> launcher.run(busybox("true").cpusetCpus(CpuSet.of(5)).build(), T));
    assertEquals("create of carapace-test/busybox:1 failed: cpusetCpus must be within the engine's CPUs: 5"
        + " (engine has " + cpus + ")", e.getMessage(), "the engine's own words are not needed: nothing was sent");
    assertTrue(e.containerId().isEmpty());
    LaunchException nano = assertThrows(LaunchException.class,
        () -> launcher.run(busybox("true").nanoCpus((n + 1) * 1_000_000_000L).build(), T));
    assertEquals("create of carapace-test/busybox:1 failed: nanoCpus must be at most the engine's CPUs: "
        + (n + 1) * 1_000_000_000L + " (engine has " + n + (n == 1 ? " CPU" : " CPUs") + ", " + n * 1_000_000_000L + ")",
        nano.getMessage());
    LaunchException both = assertThrows(LaunchException.class, () -> launcher.run(busybox("true")
        .cpusetCpus(CpuSet.of(n)).nanoCpus((n + 1) * 1_000_000_000L).build(), T));
    assertEquals("create of carapace-test/busybox:1 failed: cpusetCpus must be within the engine's CPUs: " + n
        + " (engine has " + cpus + "); nanoCpus must be at most the engine's CPUs: " + (n + 1) * 1_000_000_000L
        + " (engine has " + n + (n == 1 ? " CPU" : " CPUs") + ", " + n * 1_000_000_000L + ")", both.getMessage(),
        "both problems at once, as the spec's own are collected");
    // the engine's CPUs themselves are accepted
    assertEquals(0, launcher.run(busybox("true").cpusetCpus(CpuSet.of(n - 1)).nanoCpus(n * 1_000_000_000L).build(), T)
        .exitCode());
  }

  @Test
  void capabilityUnknownToThisEngineIsTheDaemonsRefusal() {
    LaunchException e = assertThrows(LaunchException.class,
        () -> launcher.run(busybox("true").addCapability(Capability.BPF).build(), T));
    assertEquals(LaunchException.Step.CREATE, e.step());
    assertTrue(e.daemonMessage().orElse("").contains("CAP_BPF") || e.daemonMessage().orElse("").contains("BPF"),
        e.getMessage());
  }

  @Test
  void failedStartRemovesTheCreatedContainer() {
    LaunchException e = assertThrows(LaunchException.class,
        () -> launcher.launch(busybox("/no/such/binary").build()));
    assertEquals(LaunchException.Step.START, e.step());
    assertTrue(e.containerId().isPresent());
    assertTrue(docker.listContainersCmd().withShowAll(true).withIdFilter(List.of(e.containerId().get()))
        .exec().isEmpty(), "the half-launched container is gone");
  }

  @Test
  void missingImageNamesTheImage() {
    ContainerLauncher never = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
        .pullPolicy(PullPolicy.NEVER).build();
    try (never) {
      ImageNotFoundException e = assertThrows(ImageNotFoundException.class,
          () -> never.run(SecureContainerSpec.builder().image("carapace-test/absent:0").build(), T));
      assertTrue(e.getMessage().contains("carapace-test/absent:0"), e.getMessage());
      assertEquals("carapace-test/absent:0", e.image());
    }
    LaunchException pulled = assertThrows(LaunchException.class,
        () -> launcher.run(SecureContainerSpec.builder().image("carapace-test/absent:0").build(), T));
    assertEquals(LaunchException.Step.PULL, pulled.step());
    // Docker Hub lacks it; an engine without internet access (the test machine) cannot ask it, and
    // says so instead of "not found" (issue 18)
    assertTrue(pulled instanceof ImageNotFoundException || pulled.getMessage().startsWith("pull of"
        + " carapace-test/absent:0 failed: registry docker.io could not be reached from the engine"), pulled.getMessage());
  }

  @Test
  void runTimeoutKillsAndRemoves() {
    ContainerOperationException e = assertThrows(ContainerOperationException.class,
        () -> launcher.run(busybox("sleep", "30").build(), Duration.ofMillis(500)));
    assertEquals(ContainerOperationException.Step.WAIT, e.step());
    assertTrue(e.getMessage().contains("did not exit within PT0.5S"), e.getMessage());
  }

  /** The labels of a leftover of {@code owner}, a process of {@code launcher}'s identity (host, user, application). */
  static Map<String, String> leftoverOf(ContainerLauncher launcher, String owner) {
    Map<String, String> labels = new java.util.HashMap<>(launcher.identity());
    labels.put(OwnerLabels.MANAGED, "true");
    labels.put(OwnerLabels.OWNER, owner);
    return labels;
  }

  @Test
  void cleanupLeftoversRemovesContainersOfDeadProcessesOnly() {
    String host = OwnerLabels.hostName();
    String dead = docker.createContainerCmd(BUSYBOX).withCmd("true")
        .withLabels(leftoverOf(launcher, "2147483646@" + host + "@1"))
        .exec().getId();
    try (RunningContainer mine = launcher.launch(busybox("sleep", "30").build())) {
      List<String> removed = launcher.cleanupLeftovers();
      assertTrue(removed.contains(dead), removed.toString());
      assertFalse(removed.contains(mine.id()));
      assertTrue(mine.isRunning());
    } finally {
      try {
        docker.removeContainerCmd(dead).withForce(true).exec();
      } catch (com.github.dockerjava.api.exception.NotFoundException expected) {
        // removed by cleanup
      }
    }
  }

  // Why the spec refuses what it refuses at build: the same values sent raw to the engine are accepted at
  // create, then fail at start or exec, or do the opposite of what they say; the engine's edge values launch.

  /** Creates a raw container (no Carapace), starts it and returns its exit code; always removes it. */
  private static int runRaw(UnaryOperator<CreateContainerCmd> request) throws InterruptedException {
    String id = request.apply(docker.createContainerCmd(BUSYBOX)
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))).exec().getId();
    try {
      docker.startContainerCmd(id).exec();
      return docker.waitContainerCmd(id).start().awaitStatusCode(30, TimeUnit.SECONDS);
    } finally {
      docker.removeContainerCmd(id).withForce(true).exec();
    }
  }

  @Test
  void aUidAboveRuncsLimitFailsAtStartAndTheLimitItselfRuns() {
    DockerException e = assertThrows(DockerException.class,
        () -> runRaw(c -> c.withUser("2147483648").withCmd("true")));
    assertTrue(e.getMessage().contains("uids and gids must be in range 0-2147483647"), e.getMessage());
    assertThrows(InvalidSpecException.class, () -> busybox("true").user("2147483648").build());
    assertEquals(0, launcher.run(busybox("true").user("2147483647:2147483647").build(), T).exitCode());
  }

  @Test
  void aNulInACommandWordFailsItsExec() throws InterruptedException {
    // the start is accepted; the exec in the container fails ("exec /bin/echo: invalid argument", exit 1)
    assertTrue(runRaw(c -> c.withCmd("echo", "a\0b")) != 0);
    assertEquals(0, runRaw(c -> c.withCmd("echo", "a b")));
    assertThrows(InvalidSpecException.class, () -> busybox("echo", "a\0b").build());
  }

  @Test
  void aTmpfsOfSizeZeroHasNoLimit() throws InterruptedException {
    String write20MiB = "dd if=/dev/zero of=/t/x bs=1M count=20";
    assertEquals(0, runRaw(c -> c.withCmd("sh", "-c", write20MiB)
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none").withTmpFs(Map.of("/t", "size=0")))),
        "20 MiB fit in a tmpfs of size 0");
    assertTrue(launcher.run(busybox("sh", "-c", write20MiB)
        .addMount(Mount.tmpfs(ContainerPath.of("/t"), MemorySize.ofMebibytes(1))).build(), T).exitCode() != 0,
        "but not in one of 1 MiB");
    assertThrows(InvalidSpecException.class, () -> busybox("true")
        .addMount(Mount.tmpfs(ContainerPath.of("/t"), MemorySize.ofBytes(0))).build());
  }

  @Test
  void anEntrypointOfOneEmptyWordClearsTheImagesEntrypoint() throws InterruptedException {
    String id = docker.createContainerCmd(BUSYBOX).withEntrypoint("").withCmd("true")
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")).exec().getId();
    try {
      assertEquals(null, docker.inspectContainerCmd(id).exec().getConfig().getEntrypoint(),
          "the engine records no entrypoint, not a program named \"\"");
    } finally {
      docker.removeContainerCmd(id).withForce(true).exec();
    }
    assertThrows(InvalidSpecException.class, () -> busybox("true").entrypoint("").build());
  }
}
