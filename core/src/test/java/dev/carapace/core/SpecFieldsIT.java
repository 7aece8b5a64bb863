package dev.carapace.core;

import static dev.carapace.core.testing.TestEngine.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import dev.carapace.core.internal.engine.DockerClients;
import dev.carapace.core.testing.TestEngine;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fields of issue 23 on the real engine, read where the kernel and the engine show them: the size of the
 * {@code /dev/shm} mount in {@code /proc/mounts}, the lines of {@code /etc/hosts} and {@code /etc/resolv.conf},
 * sysctl values under {@code /proc/sys}, the terminal and standard input the process has, and two networks
 * reached by alias from peers. Each default differs from what is asked (shm 64 MiB, Docker's
 * {@code ip_unprivileged_port_start=0}, msgmax 8192, no tty, stdin {@code /dev/null}), so each assertion can fail.
 */
class SpecFieldsIT {
  private static final Duration T = Duration.ofSeconds(30);
  private static final String GET = "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 %s 8080";
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
    TestEngine.assertNothingLeft(docker, launcher.id());
  }

  private static String run(SecureContainerSpec spec) {
    RunResult r = launcher.run(spec, T);
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    return r.stdout();
  }

  private static List<String> lines(String text) {
    return Arrays.asList(text.split("\n"));
  }

  @Test
  void shmSizeIsTheSizeOfTheDevShmMount() {
    String mounts = run(busybox("sh", "-c", "grep ' /dev/shm ' /proc/mounts").shmSize(MemorySize.ofMebibytes(96))
        .memoryLimit(MemorySize.ofMebibytes(128)).build());
    // tmpfs /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=98304k 0 0
    assertTrue(mounts.startsWith("shm /dev/shm tmpfs ") && mounts.contains(",size=98304k"), mounts);
    String unset = run(busybox("sh", "-c", "grep ' /dev/shm ' /proc/mounts").build());
    assertTrue(unset.contains(",size=65536k"), "the engine's default, 64 MiB: " + unset);
  }

  @Test
  void extraHostsAreLinesOfEtcHosts() {
    String hosts = run(busybox("cat", "/etc/hosts").addExtraHost("db.internal", "10.0.0.5")
        .addExtraHost("db6", "fd00::5").build());
    assertTrue(lines(hosts).contains("10.0.0.5\tdb.internal"), hosts);
    assertTrue(lines(hosts).contains("fd00::5\tdb6"), hosts);
  }

  @Test
  void dnsServersAndSearchDomainsAreTheLinesOfResolvConf() {
    // on the default bridge the file holds the servers themselves (a user-defined network shows 127.0.0.11)
    String resolv = run(busybox("cat", "/etc/resolv.conf").network(NetworkMode.bridge())
        .addDnsServer("10.0.0.2", "10.0.0.3").addDnsSearch("corp.example", "svc.example").build());
    List<String> l = lines(resolv);
    assertTrue(l.contains("nameserver 10.0.0.2") && l.contains("nameserver 10.0.0.3"), resolv);
    assertEquals(2, l.stream().filter(x -> x.startsWith("nameserver ")).count(), "only the asked servers: " + resolv);
    assertTrue(l.contains("search corp.example svc.example"), resolv);
  }

  @Test
  void sysctlsAreTheValuesUnderProcSys() {
    String read = "cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shm_rmid_forced"
        + " /proc/sys/kernel/msgmax";
    String asked = run(busybox("sh", "-c", read).putSysctl("net.ipv4.ip_unprivileged_port_start", "1024")
        .putSysctl("kernel.shm_rmid_forced", "1").putUnsafeSysctl("kernel.msgmax", "65536").build());
    assertEquals("1024\n1\n65536\n", asked);
    String defaults = run(busybox("sh", "-c", read).build());
    assertNotEquals(asked, defaults);
    assertEquals("0\n", defaults.substring(0, 2), "Docker's own ip_unprivileged_port_start: " + defaults);
  }

  @Test
  void aNonNamespacedSysctlNeverBuilds() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> busybox("true").putUnsafeSysctl("kernel.panic", "1").build());
    assertTrue(e.getMessage().contains("sysctl must be namespaced (kernel.msg*, kernel.sem, kernel.shm*,"
        + " fs.mqueue.*, net.*): kernel.panic (it would change the host's kernel, which the engine refuses)"),
        e.getMessage());
  }

  @Test
  void ttyAndOpenStdinAreWhatTheProcessHas() {
    String probe = "readlink /proc/self/fd/0; readlink /proc/self/fd/1";
    List<String> plain = lines(run(busybox("sh", "-c", probe).build()));
    assertEquals("/dev/null", plain.get(0), plain.toString());
    assertTrue(plain.get(1).startsWith("pipe:"), plain.toString());
    List<String> stdin = lines(run(busybox("sh", "-c", probe).openStdin(true).build()));
    assertTrue(stdin.get(0).startsWith("pipe:"), "stdin kept open: " + stdin);
    List<String> tty = lines(run(busybox("sh", "-c", probe).tty(true).build()).replace("\r", ""));
    assertTrue(tty.get(1).startsWith("/dev/pts/"), "a pseudo-terminal: " + tty);
  }

  @Test
  void platformIsCheckedByTheEngineAtCreate() {
    run(busybox("true").platform("linux/amd64").build());
    // the local image is linux/amd64; the engine refuses it for another platform at create (API 1.41)
    LaunchException e = assertThrows(LaunchException.class,
        () -> launcher.launch(busybox("true").platform("linux/arm64").build()).close());
    assertEquals(EngineException.Step.CREATE, e.step());
    assertTrue(e.getMessage().endsWith("daemon said: image with reference carapace-test/busybox:1 was found but does"
        + " not match the specified platform: wanted linux/arm64, actual: linux/amd64"), e.getMessage());
  }

  @Test
  void aContainerOnTwoNetworksIsReachedByEachAliasFromItsPeers() {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    try (dev.carapace.core.ContainerNetwork front = launcher.createNetwork(NetworkSpec.of("carapace-it-front-" + suffix));
        dev.carapace.core.ContainerNetwork back = launcher.createNetwork(NetworkSpec.of("carapace-it-back-" + suffix));
        RunningContainer server = launcher.launch(busybox("httpd", "-f", "-p", "8080", "-h", "/www")
            .network(front.mode()).addNetworkAlias("web-front")
            .addNetwork(NetworkAttachment.of(back.mode(), "web-back", "api")).build())) {
      Map<String, ContainerNetwork> recorded = docker.inspectContainerCmd(server.id()).exec().getNetworkSettings()
          .getNetworks();
      assertEquals(java.util.Set.of(front.name(), back.name()), recorded.keySet());
      assertTrue(recorded.get(front.name()).getAliases().contains("web-front"), recorded.toString());
      assertTrue(recorded.get(back.name()).getAliases().containsAll(List.of("web-back", "api")), recorded.toString());

      assertReaches(front, "web-front");
      assertReaches(back, "web-back");
      assertReaches(back, "api");
      // an alias is the network's own: the front peer cannot resolve the back network's alias
      RunResult across = launcher.run(busybox("sh", "-c", String.format(GET, "web-back")).network(front.mode())
          .build(), T);
      assertNotEquals(0, across.exitCode(), across.stdout());
    }
  }

  private static void assertReaches(dev.carapace.core.ContainerNetwork net, String alias) {
    RunResult r = launcher.run(busybox("sh", "-c", String.format(GET, alias)).network(net.mode()).build(), T);
    assertEquals(0, r.exitCode(), alias + " on " + net.name() + ": " + r.stderr());
    assertTrue(r.stdout().endsWith("hello-from-carapace\n"), r.stdout());
  }
}
