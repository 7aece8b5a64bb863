package dev.carapace.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.carapace.core.Capability;
import dev.carapace.core.CpuSet;
import dev.carapace.core.LogConfig;
import dev.carapace.core.MemorySize;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SelinuxLabel;
import dev.carapace.core.SpecAttribute;
import dev.carapace.core.Ulimit;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.testing.PinnedImage;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.policy.Profiles;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Swarm services on the real engine (API 1.41), in a single-node swarm this class creates and leaves
 * ({@code docker_gwbridge} removed), so the engine ends as it began. It fails loudly when the engine is
 * already in a swarm: that swarm is someone else's. What runs is read inside the task's container (its
 * logs, or files read by exec in it); the SELinux label is read as the engine recorded it, since this
 * kernel has no SELinux.
 *
 * <p>The cases run concurrently, each on services of its own name; those whose child JVM deploys as
 * {@link SwarmDeployForever}'s application run one at a time ({@link #CHILDS_APPLICATION}): each cleans up, or
 * lets the reaper remove, what that application's dead processes left.
 */
@Execution(ExecutionMode.CONCURRENT)
class SwarmIT {
  /** The leftovers of {@link SwarmDeployForever}'s application: its cleanups and reapers take them all. */
  private static final String CHILDS_APPLICATION = "swarm services of SwarmDeployForever's application";
  private static final Duration T = Duration.ofSeconds(120);
  /**
   * The end of a task's script: runs until the task is stopped. A shell (or {@code sleep}) as PID 1 ignores
   * SIGTERM unless it traps it, so each removal would wait the whole stop grace period (10 s) for SIGKILL.
   */
  private static final String UNTIL_STOPPED = "trap 'exit 0' TERM; sleep 600 & wait";
  private static DockerClient docker;
  private static SwarmDeployer swarm;

  @BeforeAll
  static void createSwarm() {
    docker = DockerClients.connect(TestEngine.endpoint());
    SingleNodeSwarm.init(docker, "SwarmIT");
    swarm = SwarmDeployer.connect(TestEngine.endpoint());
  }

  @AfterAll
  static void leaveSwarm() throws IOException {
    try {
      if (swarm != null) {
        swarm.close();
      }
    } finally {
      SingleNodeSwarm.leave(docker);
      docker.close();
    }
  }

  private static SecureContainerSpec.Builder busybox(String script) {
    return SecureContainerSpec.builder().image(TestEngine.BUSYBOX).command("sh", "-c", script)
        .network(NetworkMode.bridge());
  }

  private static SwarmDeployment.Builder named(String name) {
    return SwarmDeployment.builder(name).acceptLoss(SpecAttribute.NO_NEW_PRIVILEGES);
  }

  /** The service's output once it printed {@code done}. */
  private static String output(SwarmService s) {
    for (int i = 0; i < 200; i++) {
      String out = s.logs().stdout();
      if (out.contains("done")) {
        return out;
      }
      sleep(100);
    }
    throw new AssertionError("no 'done' in the logs of " + s + ": " + s.logs());
  }

  @Test
  void aHardenedServiceRunsAsAskedInsideItsTask() {
    String script = "grep CapEff /proc/self/status; id -u; touch /x 2>&1; cat /sys/fs/cgroup/pids/pids.max"
        + " /sys/fs/cgroup/memory/memory.limit_in_bytes; ulimit -n; echo done; " + UNTIL_STOPPED;
    SecureContainerSpec spec = busybox(script).user("1000:1000").readOnlyRootFilesystem(true).pidsLimit(64)
        .memoryLimit(MemorySize.ofMebibytes(64)).addUlimit(new Ulimit("nofile", 100, 200))
        .selinuxLabel(SelinuxLabel.type("container_t")).build();
    try (SwarmService s = swarm.deploy(spec, named("carapace-hardened").build(), T)) {
      String out = output(s);
      assertEquals("CapEff:\t0000000000000000\n1000\ntouch: /x: Read-only file system\n64\n67108864\n100\ndone\n", out);
      JsonNode inspect = TestEngine.getJson("/containers/" + s.tasks().get(0).containerId() + "/json").get(0);
      assertEquals("[\"label=type:container_t\"]", inspect.path("HostConfig").path("SecurityOpt").toString(),
          "recorded, though this kernel enforces no SELinux");
      assertEquals("true", inspect.path("Config").path("Labels").path("dev.carapace.managed").asText());
      assertEquals(swarm.id(), inspect.path("Config").path("Labels").path("dev.carapace.launcher").asText());
    }
  }

  /**
   * A spec naming its image by digest runs that exact digest: the service and its task's container record the
   * digest reference as written, and the image the container runs lists that digest among its RepoDigests
   * (the deployer checks it too, or the deployment fails). The registry's busybox is pulled by the test with
   * the registry's user first: the node skips its own pull of a digest it has (it has no credentials).
   */
  @Test
  void aDigestPinnedServiceRunsThatDigest() {
    try (PinnedImage pinned = PinnedImage.pull(docker, TestEngine.BUSYBOX)) {
      SecureContainerSpec spec = SecureContainerSpec.builder().image(pinned.reference())
          .command("sh", "-c", "echo done; " + UNTIL_STOPPED).network(NetworkMode.bridge()).build();
      try (SwarmService s = swarm.deploy(spec, named("carapace-pinned").build(), T)) {
        assertEquals("done\n", output(s));
        JsonNode service = TestEngine.getJson("/services/" + s.id()).get(0);
        assertEquals(pinned.reference(), service.path("Spec").path("TaskTemplate").path("ContainerSpec").path("Image")
            .asText());
        JsonNode task = TestEngine.getJson("/tasks/" + s.tasks().get(0).id()).get(0);
        assertEquals(pinned.reference(), task.path("Spec").path("ContainerSpec").path("Image").asText());
        JsonNode inspect = TestEngine.getJson("/containers/" + s.tasks().get(0).containerId() + "/json").get(0);
        assertEquals(pinned.reference(), inspect.path("Config").path("Image").asText());
        String runs = inspect.path("Image").asText();
        assertEquals(pinned.imageId(), runs);
        JsonNode image = TestEngine.getJson("/images/" + runs + "/json").get(0);
        assertEquals(List.of(), SwarmVerifier.image(spec, inspect, image));
        assertTrue(image.path("RepoDigests").toString().contains(pinned.digest()), image.path("RepoDigests").toString());
        // the policy judges the service's spec pinned
        assertEquals(List.of(), Profiles.carapaceDefault().evaluate(swarm.policyView(spec, named("carapace-pinned")
            .build())).violations().stream().filter(v -> v.ruleId().equals("image-pinned")).toList());
      }
    }
  }

  @Test
  void anAddedBackCapabilityIsTheOnlyOneEffective() {
    try (SwarmService s = swarm.deploy(busybox("grep CapEff /proc/self/status; echo done; " + UNTIL_STOPPED)
        .user("0").addCapability(Capability.CHOWN).build(), named("carapace-chown").build(), T)) {
      assertEquals("CapEff:\t0000000000000001\ndone\n", output(s));
    }
  }

  @Test
  void aServiceLogsToSyslog() throws Exception {
    try (DatagramSocket listener = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(30_000);
      SecureContainerSpec spec = busybox("echo hello-swarm-syslog; " + UNTIL_STOPPED)
          .logConfig(LogConfig.builder("syslog").option("syslog-address", "udp://127.0.0.1:" + listener.getLocalPort())
              .option("tag", "carapace-swarm").build()).build();
      try (SwarmService s = swarm.deploy(spec, named("carapace-syslog").build(), T)) {
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        listener.receive(p);
        String datagram = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        assertTrue(datagram.contains("carapace-swarm") && datagram.contains("hello-swarm-syslog"), datagram);
      }
    }
  }

  @Test
  void threeReplicasAreEachVerifiedThenScaleToOne() {
    try (SwarmService s = swarm.deploy(busybox(UNTIL_STOPPED).build(), named("carapace-three").replicas(3).build(), T)) {
      List<SwarmTask> running = s.tasks().stream().filter(SwarmTask::running).collect(Collectors.toList());
      assertEquals(3, running.size());
      assertEquals(3, running.stream().map(SwarmTask::containerId).distinct().count());
      assertEquals(1, s.scale(1, T).size());
      for (int i = 0; i < 300 && count("/containers/json?filters=", "{\"label\":[\"com.docker.swarm.service.id=" + s.id() + "\"]}") > 1; i++) {
        sleep(100);
      }
      assertEquals(1, s.tasks().stream().filter(SwarmTask::running).count());
    }
  }

  @Test
  void aTaskThatCannotStartFailsWithItsOwnErrorAndLeavesNothing() {
    SwarmException e = assertThrows(SwarmException.class, () -> swarm.deploy(SecureContainerSpec.builder()
        .image("carapace-test/nope:1").network(NetworkMode.bridge()).build(), named("carapace-nope").build(), T));
    assertTrue(e.getMessage().matches("wait of service carapace-nope failed: task carapace-nope\\.1 \\([a-z0-9]+\\)"
        + " rejected: No such image: carapace-test/nope:1 \\(preparing\\)"), e.getMessage());
    assertEquals(0, count("/services?filters=", "{\"name\":[\"carapace-nope\"]}"));
  }

  @Test
  void fieldsTheEngineDropsSilentlyAreFoundAndTheServiceRemoved() {
    try (SwarmDeployer newer = SwarmDeployer.builder().endpoint(TestEngine.endpoint()).pretendApiVersion("1.44").build()) {
      SwarmException e = assertThrows(SwarmException.class, () -> newer.deploy(busybox(UNTIL_STOPPED).build(),
          SwarmDeployment.builder("carapace-dropped").build(), T));
      assertTrue(e.getMessage().matches("verify of service carapace-dropped failed: task carapace-dropped\\.1"
          + " \\(container [0-9a-f]{12}\\) differs from the spec:"
          + " Spec\\.TaskTemplate\\.ContainerSpec\\.Privileges\\.NoNewPrivileges recorded nothing, sent true"
          + " \\(the engine dropped it\\);"
          + " Spec\\.TaskTemplate\\.ContainerSpec\\.Privileges\\.Seccomp recorded nothing, sent"
          + " \\{\"Mode\":\"default\"\\} \\(the engine dropped it\\);"
          + " HostConfig\\.SecurityOpt recorded \\[\\], asked \\[no-new-privileges\\]"), e.getMessage());
      assertEquals(0, count("/services?filters=", "{\"name\":[\"carapace-dropped\"]}"));
      assertEquals(0, count("/containers/json?all=1&filters=",
          "{\"label\":[\"com.docker.swarm.service.name=carapace-dropped\"]}"));
    }
  }

  /** What {@code argv} prints (stdout and stderr) run by {@code docker exec} in {@code containerId}. */
  private static String exec(String containerId, String... argv) throws InterruptedException {
    String execId = docker.execCreateCmd(containerId).withCmd(argv).withAttachStdout(true).withAttachStderr(true)
        .exec().getId();
    StringBuffer out = new StringBuffer();
    assertTrue(docker.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
      @Override
      public void onNext(Frame frame) {
        out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
      }
    }).awaitCompletion(30, TimeUnit.SECONDS), "exec " + List.of(argv) + " ended within 30 s");
    return out.toString();
  }

  /**
   * Extra hosts, DNS servers and search, a safe sysctl and a tty, read inside the task's container: each
   * value differs from what a task without them shows (no such host line; the host's nameservers; Docker's
   * {@code 0}, the kernel's {@code 1024}; stdin on {@code /dev/null}).
   */
  @Test
  void hostsDnsASysctlAndATtyAreWhatTheTasksContainerSees() throws InterruptedException {
    // the workload itself records whether its stdin and stdout are a terminal, in /dev/shm (tmpfs, writable)
    SecureContainerSpec spec = busybox("i=stdin-is-not-a-tty; o=stdout-is-not-a-tty; [ -t 0 ] && i=stdin-is-a-tty;"
        + " [ -t 1 ] && o=stdout-is-a-tty; echo $i $o > /dev/shm/tty; " + UNTIL_STOPPED)
        .addExtraHost("carapace-db", "10.1.2.3").addExtraHost("carapace-db6", "fd00::1:2:3")
        .addDnsServer("10.1.2.53").addDnsSearch("carapace.example")
        .putSysctl("net.ipv4.ip_unprivileged_port_start", "2000").tty(true).build();
    try (SwarmService s = swarm.deploy(spec, named("carapace-fields").build(), T)) {
      String container = s.tasks().get(0).containerId();
      String hosts = exec(container, "cat", "/etc/hosts");
      String resolv = exec(container, "cat", "/etc/resolv.conf");
      String sysctl = exec(container, "cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start");
      String stdin = exec(container, "readlink", "/proc/1/fd/0");
      String tty = "";
      for (int i = 0; i < 50 && !tty.contains("stdout-is"); i++) {
        tty = exec(container, "cat", "/dev/shm/tty");
        sleep(100);
      }
      System.out.println("SwarmIT: in the task's container:\n--- /etc/hosts\n" + hosts + "--- /etc/resolv.conf\n"
          + resolv + "--- ip_unprivileged_port_start\n" + sysctl + "--- readlink /proc/1/fd/0\n" + stdin
          + "--- [ -t 0 ], [ -t 1 ] in the workload\n" + tty);
      assertTrue(hosts.lines().anyMatch(l -> l.matches("10\\.1\\.2\\.3\\s+carapace-db")), hosts);
      assertTrue(hosts.lines().anyMatch(l -> l.matches("fd00::1:2:3\\s+carapace-db6")), hosts);
      // only the spec's server: none of the host's
      assertEquals(List.of("nameserver 10.1.2.53"), resolv.lines().filter(l -> l.startsWith("nameserver"))
          .collect(Collectors.toList()), resolv);
      assertEquals(List.of("search carapace.example"), resolv.lines().filter(l -> l.startsWith("search"))
          .collect(Collectors.toList()), resolv);
      assertEquals("2000\n", sysctl);
      assertTrue(stdin.matches("/dev/pts/\\d+\n"), stdin);
      assertEquals("stdin-is-a-tty stdout-is-a-tty\n", tty);
    }
    assertEquals(0, count("/services?filters=", "{\"name\":[\"carapace-fields\"]}"));
    assertEquals(0, count("/containers/json?all=1&filters=",
        "{\"label\":[\"com.docker.swarm.service.name=carapace-fields\"]}"));
  }

  @Test
  void shmSizeAndAnAliasAreRefusedBeforeAnyCall() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    try (DockerClient client = counting(calls); SwarmDeployer counted = SwarmDeployer.builder().dockerClient(client).build()) {
      assertEquals(1, calls.get(), "GET /version, once");
      SecureContainerSpec spec = busybox("true").shmSize(MemorySize.ofMebibytes(256))
          .network(NetworkMode.named("carapace-n")).addNetworkAlias("web").build();
      UncarriableSpecException e = assertThrows(UncarriableSpecException.class,
          () -> counted.deploy(spec, named("carapace-refused-shm").build(), T));
      assertEquals("3 field(s) of the spec cannot be carried by " + counted.target() + ": shmSize: swarm services"
          + " have no shm size: 256MiB (mount a tmpfs at /dev/shm instead: Mount.tmpfs(ContainerPath.of(\"/dev/shm\"),"
          + " size)); network: carapace attaches swarm services to the default bridge only: carapace-n;"
          + " networkAliases: carapace attaches swarm services to the default bridge only, which takes no aliases:"
          + " [web] (remove them from the spec, or accept each loss by name)", e.getMessage());
      assertEquals(1, calls.get(), "no call for a refused spec");
    }
    assertEquals(0, count("/services?filters=", "{\"name\":[\"carapace-refused-shm\"]}"));
  }

  /** A DockerClient on the real engine that counts every request it sends. */
  private static DockerClient counting(AtomicInteger calls) {
    DockerHttpClient real = new ApacheDockerHttpClient.Builder().dockerHost(URI.create("unix:///var/run/docker.sock"))
        .build();
    DockerHttpClient counted = new DockerHttpClient() {
      @Override
      public Response execute(Request request) {
        calls.incrementAndGet();
        return real.execute(request);
      }

      @Override
      public void close() throws IOException {
        real.close();
      }
    };
    return DockerClientImpl.getInstance(DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost("unix:///var/run/docker.sock").build(), counted);
  }

  @Test
  void cpusetAndNoNewPrivilegesAreRefusedBeforeAnyCall() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    try (DockerClient client = counting(calls); SwarmDeployer counted = SwarmDeployer.builder().dockerClient(client).build()) {
      assertEquals(1, calls.get(), "GET /version, once");
      SecureContainerSpec spec = busybox("true").cpusetCpus(CpuSet.parse("0")).build();
      UncarriableSpecException e = assertThrows(UncarriableSpecException.class,
          () -> counted.deploy(spec, SwarmDeployment.builder("carapace-refused").build(), T));
      assertEquals("2 field(s) of the spec cannot be carried by " + counted.target() + ": noNewPrivileges: swarm"
          + " services have no no-new-privileges before API 1.44; cpusetCpus: swarm services have no cpuset: 0"
          + " (remove them from the spec, or accept each loss by name)", e.getMessage());
      assertTrue(counted.target().startsWith("swarm on API 1.41 (engine 20.10"), counted.target());
      UncarriableSpecException one = assertThrows(UncarriableSpecException.class,
          () -> counted.deploy(spec, SwarmDeployment.builder("carapace-refused").acceptLoss(SpecAttribute.NO_NEW_PRIVILEGES).build(), T));
      assertEquals(List.of(SpecAttribute.CPUSET_CPUS), one.losses().stream().map(Loss::attribute).collect(Collectors.toList()));
      assertEquals(1, calls.get(), "no call for a refused spec");
      // the accepted loss, reported by the policy module
      assertEquals(List.of("noNewPrivileges is not carried (loss accepted): " + counted.target()
          + ": swarm services have no no-new-privileges before API 1.44"), Profiles.carapaceDefault().evaluate(
              counted.policyView(busybox("true").build(), named("x").build())).violations().stream()
              .filter(v -> v.ruleId().equals("accepted-loss")).map(v -> v.message()).collect(Collectors.toList()));
    }
  }

  /**
   * {@link SwarmDeployForever} in a child JVM with {@code args}, once it printed {@code deployed};
   * {@code seen} receives what it printed before, {@code rest} reads what it prints after.
   */
  private static Process deployForever(StringBuilder seen, java.io.BufferedReader[] rest, String... args)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // C1 only: the child lives seconds, and compiling with C1 alone cuts its CPU time (as in RemovedAtExitIT)
    List<String> command = new java.util.ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"),
        "-Dcarapace.docker.host=" + TestEngine.endpoint().uri(), SwarmDeployForever.class.getName()));
    command.addAll(List.of(args));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8));
    for (String line = lines.readLine(); line != null && !line.equals("deployed"); line = lines.readLine()) {
      seen.append(line).append('\n');
    }
    assertTrue(child.isAlive(), "the child deployed and waits: " + seen);
    rest[0] = lines;
    return child;
  }

  @Test
  @ResourceLock(CHILDS_APPLICATION)
  void aCrashedDeployLeavesNothingAfterCleanup() throws Exception {
    StringBuilder seen = new StringBuilder();
    // without a reaper: the service outlives the kill, and the cleanup is what removes it
    Process child = deployForever(seen, new java.io.BufferedReader[1], "carapace-crash", "1", "noreaper");
    try (SwarmDeployer ofTheChildsApplication = childsApplication()) {
      assertEquals(0, ofTheChildsApplication.cleanupLeftovers().size(), "the child is alive: its service stays");
      child.destroyForcibly();
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      assertEquals(List.of(), swarm.cleanupLeftovers(), "another application's leftover stays");
      assertEquals(List.of("carapace-crash"), ofTheChildsApplication.cleanupLeftovers());
      assertEquals(0, count("/services?filters=", "{\"name\":[\"carapace-crash\"]}"));
      assertEquals(0, count("/containers/json?all=1&filters=", "{\"label\":[\"com.docker.swarm.service.name=carapace-crash\"]}"));
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  @ResourceLock(CHILDS_APPLICATION)
  void aServiceIsRemovedWhenItsDeployersJvmEndsBySigterm() throws Exception {
    StringBuilder seen = new StringBuilder();
    java.io.BufferedReader[] rest = new java.io.BufferedReader[1];
    Process child = deployForever(seen, rest, "carapace-exit", "1");
    try {
      assertEquals(1, count("/services?filters=", "{\"name\":[\"carapace-exit\"]}"));
      long t0 = System.nanoTime();
      assertEquals(0, new ProcessBuilder("kill", "-TERM", String.valueOf(child.pid())).start().waitFor());
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child's JVM ends within the exit's bound");
      System.out.println("SwarmIT: the deployer's JVM ended " + (System.nanoTime() - t0) / 1_000_000
          + " ms after SIGTERM");
      String output = seen + rest[0].lines().collect(Collectors.joining("\n"));
      assertEquals(143, child.exitValue(), output);
      assertEquals(0, count("/services?filters=", "{\"name\":[\"carapace-exit\"]}"), output);
      assertEquals(0, count("/containers/json?all=1&filters=",
          "{\"label\":[\"com.docker.swarm.service.name=carapace-exit\"]}"), output);
      assertTrue(java.util.regex.Pattern.compile("INFO dev\\.carapace\\.cluster\\.SwarmDeployer - deployer \\S+: removed"
          + " at JVM exit, close\\(\\) was not called: service carapace-exit \\(\\d+ ms\\)").matcher(output).find(), output);
    } finally {
      child.destroyForcibly();
      try (SwarmDeployer ofTheChildsApplication = childsApplication()) {
        ofTheChildsApplication.cleanupLeftovers();
      }
    }
  }

  /** {@code kill -9}: no exit hook runs; the reaper process the deployer's JVM started removes the service. */
  @Test
  @ResourceLock(CHILDS_APPLICATION)
  void aServiceIsRemovedByTheReaperWhenItsDeployersJvmIsKilled() throws Exception {
    StringBuilder seen = new StringBuilder();
    java.io.BufferedReader[] rest = new java.io.BufferedReader[1];
    Process child = deployForever(seen, rest, "carapace-reaped", "1");
    try {
      assertEquals(1, count("/services?filters=", "{\"name\":[\"carapace-reaped\"]}"));
      // read on, from now: when the child ends, Process drains and closes the pipe unless a read is under way,
      // and the reaper's line comes after that end
      StringBuffer after = new StringBuffer();
      Thread reader = new Thread(() -> rest[0].lines().forEach(l -> after.append(l).append('\n')));
      reader.start();
      long t0 = System.nanoTime();
      // kill(1), not destroyForcibly(), which would close the pipe the reaper's line comes through
      assertEquals(0, new ProcessBuilder("kill", "-KILL", String.valueOf(child.pid())).start().waitFor());
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      long gone = -1;
      while (System.nanoTime() - t0 < 60_000_000_000L) {
        if (count("/services?filters=", "{\"name\":[\"carapace-reaped\"]}") == 0 && count("/containers/json?all=1&filters=",
            "{\"label\":[\"com.docker.swarm.service.name=carapace-reaped\"]}") == 0) {
          gone = (System.nanoTime() - t0) / 1_000_000;
          break;
        }
        sleep(50);
      }
      String reaper = seen.toString().lines().filter(l -> l.startsWith("reaper ")).findFirst().orElseThrow();
      ProcessHandle.of(Long.parseLong(reaper.substring("reaper ".length()))).ifPresent(p -> p.onExit().join());
      reader.join(10_000);
      String output = seen + after.toString();
      System.out.println("SwarmIT: kill -9: the service and its task's container were gone " + gone
          + " ms after the kill");
      assertTrue(gone >= 0, "still on the engine 60 s after kill -9:\n" + output);
      assertTrue(java.util.regex.Pattern.compile("\\[carapace-reaper\\] JVM \\S+ is gone without closing \\S+ on \\S+:"
          + " removed service carapace-reaped(, container \\w{12})? \\(\\d+ ms after its end\\)").matcher(output).find(), output);
    } finally {
      child.destroyForcibly();
      try (SwarmDeployer ofTheChildsApplication = childsApplication()) {
        ofTheChildsApplication.cleanupLeftovers();
      }
    }
  }

  /** A deployer of {@link SwarmDeployForever}'s application: its default name, the main class. */
  private static SwarmDeployer childsApplication() {
    return SwarmDeployer.builder().endpoint(TestEngine.endpoint()).applicationName(SwarmDeployForever.class.getName())
        .build();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** How many objects the engine lists at {@code path} with {@code filter}. */
  private static int count(String path, String filter) {
    return TestEngine.getJson(path + java.net.URLEncoder.encode(filter, StandardCharsets.UTF_8)).get(0).size();
  }
}
