package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

class ValueTypesTest {
  private static void assertIae(String message, Executable e) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, e).getMessage());
  }

  @Test
  void capabilityParsesEverySpelling() {
    assertEquals(41, Capability.values().length);
    for (String s : List.of("NET_ADMIN", "net_admin", "CAP_NET_ADMIN", "cap_net_admin", " Net_Admin ")) {
      assertEquals(Capability.NET_ADMIN, Capability.parse(s));
    }
    assertEquals(40, Capability.CHECKPOINT_RESTORE.bit());
    assertEquals(0xa80425fbL, Capability.dockerDefaults().stream().mapToLong(Capability::mask).sum());
    assertEquals(Capability.dockerDefaults(), Capability.fromMask(0xa80425fbL));
    assertIae("capability is not a Linux capability: NET_ADMINS", () -> Capability.parse("NET_ADMINS"));
    assertIae("capability ALL is not a single capability: all (every capability is dropped by default:"
        + " addCapability each one the workload needs)", () -> Capability.parse("all"));
  }

  @Test
  void cpuSetParsesTheSeedsForms() {
    assertArrayEquals(new int[] {0, 1, 2}, CpuSet.parse("0,1,2").cpus());
    assertEquals("0-2", CpuSet.parse("0,1,2").toString());
    assertEquals("0-2", CpuSet.parse("0-2").toString());
    assertEquals("0-1,3", CpuSet.parse("0-1,3").toString());
    assertEquals(CpuSet.parse("3,0-1"), CpuSet.parse("0-1,3"));
    assertTrue(CpuSet.parse("1").isSubsetOf(CpuSet.parse("0-1")));
    assertFalse(CpuSet.of(5).isSubsetOf(CpuSet.parse("0-1")));
    assertIae("cpuset must not be empty: \"\"", () -> CpuSet.parse(""));
    assertIae("cpuset range must be ascending: 3-1 in 3-1", () -> CpuSet.parse("3-1"));
    assertIae("cpuset must be a list like 0-2,5: 0,", () -> CpuSet.parse("0,"));
    assertIae("cpuset must be a list like 0-2,5: 0 ,1", () -> CpuSet.parse("0 ,1"));
    assertIae("cpuset must be a list like 0-2,5: a", () -> CpuSet.parse("a"));
    assertIae("cpuset cpu must be at most 8191: 99999", () -> CpuSet.parse("99999"));
    assertIae("cpuset cpu must be between 0 and 8191: -1", () -> CpuSet.of(-1));
  }

  @Test
  void memorySizeReadsDockersUnits() {
    assertEquals(64L << 20, MemorySize.parse("64m").bytes());
    assertEquals(64L << 20, MemorySize.parse("64MiB").bytes());
    assertEquals(1L << 30, MemorySize.parse("1G").bytes());
    assertEquals(512, MemorySize.parse("512").bytes());
    assertEquals("64MiB", MemorySize.ofMebibytes(64).toString());
    assertEquals("64m", MemorySize.ofMebibytes(64).toDockerString());
    assertEquals("1536k", MemorySize.ofKibibytes(1536).toDockerString());
    assertIae("memory size must be a number with a unit like 64m or 1.5g: 64x", () -> MemorySize.parse("64x"));
    assertIae("memory size must be a number with a unit like 64m or 1.5g: -1", () -> MemorySize.parse("-1"));
    assertIae("memory size is too large: 99999999999t", () -> MemorySize.parse("99999999999t"));
  }

  @Test
  void containerPathIsAbsoluteAndNormalised() {
    assertEquals("/data/x", ContainerPath.of("//data/./x/").toString());
    assertEquals("/", ContainerPath.of("/").toString());
    assertIae("container path must be absolute: data (use ContainerPath.of(\"/data\"))",
        () -> ContainerPath.of("data"));
    assertIae("container path must not contain '..': /data/../etc", () -> ContainerPath.of("/data/../etc"));
    assertIae("container path must not contain ':': /a:b", () -> ContainerPath.of("/a:b"));
  }

  @Test
  void mountsValidateAndRender() {
    assertEquals("-v /etc/shadow:/etc/shadow:ro",
        Mount.bind("/etc//shadow/", ContainerPath.of("/etc/shadow")).asReadOnly().toString());
    assertEquals("--tmpfs /tmp:size=64m", Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(64)).toString());
    assertIae("bind mount source must be absolute: etc (use ContainerPath.of(\"/etc\"))",
        () -> Mount.bind("etc", ContainerPath.of("/etc")));
    assertIae("volume name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: a/b", () -> Mount.volume("a/b", ContainerPath.of("/x")));
  }

  @Test
  void portBindingsNeedAnExplicitHostIp() {
    assertEquals("127.0.0.1:8080:80/tcp", PortBinding.localhost(8080, 80).toString());
    assertEquals("[::]:8080:80/udp", new PortBinding("::", 8080, 80, PortBinding.Protocol.UDP).toString());
    assertTrue(new PortBinding("::", 8080, 80, PortBinding.Protocol.UDP).allInterfaces());
    assertIae("port host ip must be explicit: \"\" (use 127.0.0.1, or 0.0.0.0 to publish on every interface)",
        () -> new PortBinding("", 8080, 80, PortBinding.Protocol.TCP));
    assertIae("port host ip must be an IP address literal: localhost", () -> new PortBinding("localhost", 1, 1, PortBinding.Protocol.TCP));
    assertIae("port container port must be between 1 and 65535: 0", () -> PortBinding.localhost(1, 0));
    assertIae("port protocol must be tcp, udp or sctp: icmp", () -> PortBinding.Protocol.parse("icmp"));
  }

  @Test
  void logConfigChecksCommonOptions() {
    assertEquals("syslog", LogConfig.syslog("udp://127.0.0.1:514").driver());
    assertEquals(Map.of("max-size", "10m", "max-file", "3"), LogConfig.jsonFile(MemorySize.ofMebibytes(10), 3).options());
    assertEquals("grafana/loki:2.9", LogConfig.builder("grafana/loki:2.9").build().driver());
    assertIae("log option syslog-address scheme must be udp, tcp, tcp+tls, unix or unixgram: http://x:1",
        () -> LogConfig.syslog("http://x:1"));
    assertIae("log option syslog-address port must be between 1 and 65535: udp://127.0.0.1:99999",
        () -> LogConfig.syslog("udp://127.0.0.1:99999"));
    assertIae("log option syslog-address port must be between 1 and 65535: udp://127.0.0.1",
        () -> LogConfig.syslog("udp://127.0.0.1"));
    assertIae("log option syslog-address needs an absolute socket path: unix://dev/log",
        () -> LogConfig.syslog("unix://dev/log"));
    assertIae("log option max-size must be a size like 10m: ten",
        () -> LogConfig.builder("json-file").option("max-size", "ten").build());
    assertIae("log option max-file must be at least 1: 0",
        () -> LogConfig.builder("local").option("max-file", "0").build());
    assertIae("log option tag must be non-empty printable text: ", () -> LogConfig.builder("syslog").option("tag", "").build());
    assertIae("log driver none takes no options: [tag]", () -> LogConfig.builder("none").option("tag", "x").build());
    assertIae("log driver must match [a-zA-Z0-9][a-zA-Z0-9_.:/-]*: json file", () -> LogConfig.builder("json file").build());
  }

  @Test
  void seccompProfilesAreCheckedJson(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("p.json");
    Files.writeString(good, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}");
    assertEquals(Seccomp.Kind.PROFILE, Seccomp.profile(good).kind());
    assertEquals(good.toString(), Seccomp.profile(good).toString());
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{not json");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Seccomp.profile(bad));
    assertTrue(e.getMessage().startsWith("seccomp profile must be JSON: " + bad + " ("), e.getMessage());
    assertIae("seccomp profile must have a defaultAction like SCMP_ACT_ERRNO: inline", () -> Seccomp.profileJson("{}"));
    assertIae("seccomp profile must be a JSON object: inline", () -> Seccomp.profileJson("[1]"));
    assertIae("seccomp profile must be a readable file: " + dir.resolve("none.json") + " (NoSuchFileException)",
        () -> Seccomp.profile(dir.resolve("none.json")));
  }

  @Test
  void selinuxLabelAcceptsBothSpellingsAndEmitsTheNewOne() {
    assertEquals(List.of("label=type:docker_apache_t"), SelinuxLabel.parse("label:type:docker_apache_t").securityOpts());
    assertEquals(SelinuxLabel.type("docker_apache_t"), SelinuxLabel.parse("label=type:docker_apache_t"));
    assertEquals(List.of("label=disable"), SelinuxLabel.parse("label=disable").securityOpts());
    assertEquals(List.of("label=user:u", "label=level:s0:c1,c2"),
        SelinuxLabel.parse("label=user:u", "label:level:s0:c1,c2").securityOpts());
    assertIae("selinux label option must be label=user|role|type|level:VALUE or label=disable: label=kind:x",
        () -> SelinuxLabel.parse("label=kind:x"));
    assertIae("selinux type must match [a-zA-Z0-9_.-]+: a b", () -> SelinuxLabel.type("a b"));
    assertIae("selinux label disable excludes user, role, type and level: disable with label=type:t",
        () -> SelinuxLabel.parse("label=disable", "label=type:t"));
  }

  @Test
  void ulimitsRestartAndHealth() {
    assertEquals(new Ulimit("nofile", 1024, 2048), Ulimit.parse("nofile=1024:2048"));
    assertEquals(new Ulimit("nproc", 64, 64), Ulimit.parse("nproc=64"));
    assertIae("ulimit nofile soft limit must be at most the hard limit: 10:5", () -> Ulimit.parse("nofile=10:5"));
    assertIae("ulimit must look like name=soft[:hard]: nofile", () -> Ulimit.parse("nofile"));
    assertEquals("on-failure:5", RestartPolicy.parse("on-failure:5").toString());
    assertEquals(RestartPolicy.always(), RestartPolicy.parse("always"));
    assertIae("restart policy max retries needs on-failure: always:5", () -> RestartPolicy.parse("always:5"));
    assertEquals(List.of("CMD-SHELL", "true"), HealthCheck.shell("true").test());
    assertIae("health interval must be at least 1ms: PT0S",
        () -> HealthCheck.exec("true").interval(java.time.Duration.ZERO));
  }

  @Test
  void endpointsParseDockerHost() {
    assertEquals("unix:///var/run/docker.sock", Endpoint.fromEnvironment(Map.of(), Path.of("/nonexistent")).toString());
    assertEquals("tcp://127.0.0.1:2375", Endpoint.fromEnvironment(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375"), Path.of("/nonexistent")).toString());
    assertEquals("unix:///run/d.sock", Endpoint.parse("unix:///run/d.sock").toString());
    assertIae("DOCKER_HOST must be unix:///path or tcp://host:port: ssh://me@host",
        () -> Endpoint.parse("ssh://me@host"));
  }

  @Test
  void containerRuntimeNamesGvisorAndChecksNames() {
    assertTrue(ContainerRuntime.engineDefault().isEngineDefault());
    assertEquals(java.util.Optional.empty(), ContainerRuntime.engineDefault().name());
    assertEquals("default", ContainerRuntime.engineDefault().toString());
    assertEquals(java.util.Optional.of("runsc"), ContainerRuntime.gvisor().name());
    assertEquals(ContainerRuntime.gvisor(), ContainerRuntime.named("runsc"));
    assertEquals(ContainerRuntime.gvisor(), ContainerRuntime.parse("runsc"));
    assertTrue(ContainerRuntime.parse("runsc").isGvisor());
    assertEquals("kata", ContainerRuntime.named("kata").toString());
    assertEquals(ContainerRuntime.named("io.containerd.kata.v2"), ContainerRuntime.parse("io.containerd.kata.v2"));
    assertFalse(ContainerRuntime.named("runc").isEngineDefault(), "runc by name is not the engine's default");
    assertFalse(ContainerRuntime.named("runc").isGvisor());
    for (String sandboxed : List.of("runsc", "io.containerd.runsc.v1", "kata", "kata-qemu", "io.containerd.kata.v2")) {
      assertTrue(ContainerRuntime.named(sandboxed).isSandboxed(), sandboxed);
    }
    for (String shared : List.of("runc", "crun", "io.containerd.runc.v2", "youki")) {
      assertFalse(ContainerRuntime.named(shared).isSandboxed(), shared);
    }
    assertFalse(ContainerRuntime.engineDefault().isSandboxed());
    assertIae("runtime name must match [a-zA-Z0-9][a-zA-Z0-9_.+-]*: \"\"", () -> ContainerRuntime.parse(""));
    assertIae("runtime name must match [a-zA-Z0-9][a-zA-Z0-9_.+-]*: \"run sc\"", () -> ContainerRuntime.named("run sc"));
    assertIae("runtime name must match [a-zA-Z0-9][a-zA-Z0-9_.+-]*: \"-x\"", () -> ContainerRuntime.named("-x"));
    assertThrows(NullPointerException.class, () -> ContainerRuntime.named(null));
  }

  @Test
  void procStatusDecodesTheKernelsMasks() {
    ProcStatus s = ProcStatus.parse("Name:\tcat\nUid:\t1000\t1000\t1000\t1000\nCapPrm:\t0000000000000000\n"
        + "CapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\nNoNewPrivs:\t1\nSeccomp:\t2\n");
    assertEquals(Capability.dockerDefaults(), s.effective());
    assertTrue(s.noNewPrivs());
    assertEquals(2, s.seccompMode());
    assertEquals(1000, s.uid());
    assertEquals("00000000a80425fb", s.effectiveHex());
  }
}
