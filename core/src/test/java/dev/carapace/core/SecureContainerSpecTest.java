package dev.carapace.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.testing.SpecGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecureContainerSpecTest {
  private static SecureContainerSpec.Builder spec() {
    return SecureContainerSpec.builder().image("busybox:1.36");
  }

  @Test
  void defaultsAreHardened() {
    SecureContainerSpec s = spec().build();
    assertTrue(s.dropAllCapabilities());
    assertTrue(s.addedCapabilities().isEmpty());
    assertTrue(s.noNewPrivileges());
    assertEquals(Seccomp.engineDefault(), s.seccomp());
    assertEquals(NetworkMode.none(), s.network());
    assertEquals(OptionalLong.of(1024), s.pidsLimit());
    assertEquals(List.of("no-new-privileges"), SecurityOptions.of(s).options());
    assertTrue(s.effectiveCapabilities().isEmpty());
  }

  @Test
  void collectsEveryProblemInOneException() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> spec()
        .memoryLimit(MemorySize.ofMebibytes(64))
        .memorySwap(MemorySize.ofMebibytes(32))
        .addPort(PortBinding.localhost(8080, 80))
        .build());
    assertEquals("Invalid SecureContainerSpec (2 problems):\n"
        + "  - memorySwap must be at least memoryLimit: 32MiB < 64MiB\n"
        + "  - ports require a network of their own: network is none (call network(NetworkMode.bridge()))",
        e.getMessage());
    assertEquals(2, e.problems().size());
  }

  @Test
  void imageIsRequired() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> SecureContainerSpec.builder().build());
    assertEquals(List.of("image is required: unset (call image(\"busybox:1.36\"))"), e.problems());
  }

  @Test
  void exactMessagesForEachCrossFieldRule() {
    assertProblem("memoryLimit must be at least 6MiB: 5MiB", spec().memoryLimit(MemorySize.ofMebibytes(5)));
    assertProblem("memorySwap needs memoryLimit: 64MiB (set memoryLimit too)",
        spec().memorySwap(MemorySize.ofMebibytes(64)));
    assertProblem("cpuShares must be between 2 and 262144: 1", spec().cpuShares(1));
    assertProblem("cpuPeriod must be between 1000 and 1000000 microseconds: 999", spec().cpuPeriod(999));
    assertProblem("nanoCpus excludes cpuQuota and cpuPeriod: 1000000000 with quota OptionalLong[50000] and"
        + " period OptionalLong.empty", spec().nanoCpus(1_000_000_000L).cpuQuota(50_000));
    assertProblem("pidsLimit must be at least 1: 0 (call unlimitedPids() for no limit)", spec().pidsLimit(0));
    assertProblem("capabilities must not be both added and dropped: [CHOWN]",
        spec().keepDockerDefaultCapabilities().addCapability(Capability.CHOWN).dropCapability(Capability.CHOWN));
    assertProblem("dropped capabilities need keepDockerDefaultCapabilities(), since all are dropped: [NET_RAW]",
        spec().dropCapability("NET_RAW"));
    assertProblem("user must be name or uid, optionally :group or :gid: 1000:1000:1", spec().user("1000:1000:1"));
    assertProblem("label key must not start with dev.carapace. (reserved for Carapace): dev.carapace.managed",
        spec().putLabel("dev.carapace.managed", "false"));
    assertProblem("mount targets must be unique: /tmp", spec()
        .addMount(Mount.tmpfs(ContainerPath.of("/tmp")), Mount.volume("v", ContainerPath.of("/tmp"))));
    assertProblem("stopSignal must be a signal name or number like SIGTERM: \"kill me\"", spec().stopSignal("kill me"));
    assertProblem("name must match [a-zA-Z0-9][a-zA-Z0-9_.-]+: -x", spec().name("-x"));
    assertProblem("hostname must be an RFC 1123 host name: a_b", spec().hostname("a_b"));
    // the engine creates a container of a 1,048,000-character name (measured): refused by its length, shown by its start
    assertProblem("name must be at most 128 characters: 1000000 (cccccccccccccccccccc...)",
        spec().name("c".repeat(1_000_000)));
    assertProblem("name must be at most 128 characters: 129 (cccccccccccccccccccc...)", spec().name("c".repeat(129)));
    assertEquals("c".repeat(128), spec().name("c".repeat(128)).build().name().orElseThrow());
    assertProblem("hostname must be at most 253 characters (RFC 1123): 1000000 (hhhhhhhhhhhhhhhhhhhh...)",
        spec().hostname("h".repeat(1_000_000)));
    assertProblem("image must be a reference like busybox:1.36 or registry.example:5000/team/app:1.0@sha256:...: \"busy box\""
        + " (a repository name is lower-case letters and digits, separated by / and single . _ __ or runs of -)", spec().image("busy box"));
    assertProblem("ulimits must not repeat a name: nofile", spec()
        .addUlimit(new Ulimit("nofile", 10, 10), new Ulimit("nofile", 20, 20)));
    assertProblem("stopTimeout must be between 0 and 2147483647 seconds: PT-1S",
        spec().stopTimeout(Duration.ofSeconds(-1)));
    assertProblem("stopTimeout must be whole seconds (the engine takes seconds): PT1.5S",
        spec().stopTimeout(Duration.ofMillis(1500)));
    assertProblem("label key must not contain '=': a=b", spec().putLabel("a=b", "c"));
  }

  @Test
  void refusesValuesThatCannotWorkBeforeTheEngine() {
    assertProblem("command words must not contain NUL: \"a\\u0000b\" (word 1; execve ends an argument at NUL,"
        + " so the start fails)", spec().command("echo", "a\0b"));
    assertProblem("entrypoint words must not contain NUL: \"/bin/\\u0000sh\" (word 0; execve ends an argument at NUL,"
        + " so the start fails)", spec().entrypoint("/bin/\0sh"));
    assertProblem("label key must not contain NUL: \"a\\u0000b\"", spec().putLabel("a\0b", "c"));
    assertProblem("command words must be valid Unicode: \"a\\ud800b\" (it holds a lone surrogate, which no UTF-8,"
        + " JSON or YAML text carries)", spec().command("echo", "a\ud800b"));
    assertProblem("label value must be valid Unicode: \"\\udc00\" (it holds a lone surrogate, which no UTF-8, JSON or"
        + " YAML text carries)", spec().putLabel("k", "\udc00"));
    assertProblem("env value must be valid Unicode: in TOKEN (it holds a lone surrogate, which no UTF-8, JSON or YAML"
        + " text carries; the value is not shown)", spec().putEnv("TOKEN", "secret\ud83d"));
    assertProblem("mount paths must be valid Unicode: \"/data\\udfff\" (it holds a lone surrogate, which no UTF-8,"
        + " JSON or YAML text carries)", spec().addMount(Mount.tmpfs(ContainerPath.of("/data\udfff"))));
    // a pair is one character, and every other one is carried (escaped in YAML where it must be)
    assertEquals("\ud83d\ude00\u0001\u0085\ufffe",
        spec().putEnv("E", "\ud83d\ude00\u0001\u0085\ufffe").build().env().get("E"));
    // the engine stores and shows a label value with NUL, so it stays accepted
    assertEquals("x\0y", spec().putLabel("k", "x\0y").build().labels().get("k"));
    assertProblem("name must match [a-zA-Z0-9][a-zA-Z0-9_.-]+: \"web\\u0000x\"", spec().name("web\0x"));
    assertProblem("user must be name or uid, optionally :group or :gid: \"1000\\u0000\"", spec().user("1000\0"));
    assertProblem("tmpfs size must be positive: 0 at /tmp (the kernel reads size=0 as no limit; give a size,"
        + " or call Mount.tmpfs(ContainerPath.of(\"/tmp\")) for the kernel's default, half the RAM)",
        spec().addMount(Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofBytes(0))));
    assertProblem("nanoCpus must be at most 8192000000000 (8192 CPUs, the kernel's largest NR_CPUS):"
        + " 9223372036854775807 (1 CPU is 1000000000)", spec().nanoCpus(Long.MAX_VALUE));
    assertEquals(8_192_000_000_000L, spec().nanoCpus(8_192_000_000_000L).build().nanoCpus().getAsLong());
    assertProblem("user uid must be at most 2147483647 (runc refuses more at start): 2147483648",
        spec().user("2147483648"));
    assertProblem("user gid must be at most 2147483647 (runc refuses more at start): 0:4294967296",
        spec().user("0:4294967296"));
    assertProblem("user uid must be at most 2147483647 (runc refuses more at start): 99999999999999999999999:app",
        spec().user("99999999999999999999999:app"));
    assertEquals("2147483647:2147483647", spec().user("2147483647:2147483647").build().user().orElseThrow());
    assertProblem("entrypoint must not be one empty word: [\"\"] (clearing the image's ENTRYPOINT is not supported;"
        + " name the program to run, or leave entrypoint unset for the image's)", spec().entrypoint(""));
    IllegalArgumentException health = assertThrows(IllegalArgumentException.class, () -> HealthCheck.shell(""));
    assertEquals("health command must not be empty: CMD-SHELL \"\" (leave healthCheck unset for the image's"
        + " HEALTHCHECK)", health.getMessage());
    assertEquals("health command must not be empty: CMD \"\" (leave healthCheck unset for the image's HEALTHCHECK)",
        assertThrows(IllegalArgumentException.class, () -> HealthCheck.exec("", "x")).getMessage());
  }

  @Test
  void refusedValuesAreCollectedWithTheOtherProblems() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> spec().command("a\0").name("b\0")
        .nanoCpus(Long.MAX_VALUE).memoryLimit(MemorySize.ofMebibytes(1)).build());
    assertEquals(4, e.problems().size(), e.getMessage());
  }

  private static void assertProblem(String expected, SecureContainerSpec.Builder b) {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, b::build);
    assertEquals(List.of(expected), e.problems());
  }

  @Test
  void envValuesNeverAppearInToStringOrErrors() {
    SecureContainerSpec s = spec().putEnv("DB_PASSWORD", "hunter2-secret").build();
    assertFalse(s.toString().contains("hunter2-secret"), s.toString());
    assertTrue(s.toString().contains("env=****"), s.toString());
    InvalidSpecException e = assertThrows(InvalidSpecException.class,
        () -> spec().putEnv("A=B", "hunter2-secret").build());
    assertFalse(e.getMessage().contains("hunter2-secret"));
    assertEquals(List.of("env name must be non-empty without '=': \"A=B\""), e.problems());
  }

  @Test
  void seedsTwoCapabilityWays() {
    SecureContainerSpec addBack = spec().addCapability("chown", "CAP_SYS_CHROOT", "NET_RAW").build();
    assertEquals(java.util.EnumSet.of(Capability.CHOWN, Capability.SYS_CHROOT, Capability.NET_RAW),
        addBack.effectiveCapabilities());
    SecureContainerSpec dropList = spec().keepDockerDefaultCapabilities().dropCapability("NET_RAW", "mknod").build();
    assertEquals(12, dropList.effectiveCapabilities().size());
    assertFalse(dropList.effectiveCapabilities().contains(Capability.MKNOD));
  }

  @Test
  void loosenersAreExplicit() {
    SecureContainerSpec s = spec().allowPrivilegeEscalation().seccomp(Seccomp.unconfined())
        .allowHostNetwork().build();
    assertEquals(List.of("seccomp=unconfined"), SecurityOptions.of(s).options());
  }

  @Test
  void securityOptsInOrder() {
    SecureContainerSpec s = spec().selinuxLabel(SelinuxLabel.of("system_u", null, "svirt_apache_t", "s0:c1,c2"))
        .apparmorProfile("docker-default").seccomp(Seccomp.profileJson("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}"))
        .build();
    assertEquals(List.of("no-new-privileges", "seccomp={\"defaultAction\":\"SCMP_ACT_ERRNO\"}",
        "label=user:system_u", "label=type:svirt_apache_t", "label=level:s0:c1,c2", "apparmor=docker-default"),
        SecurityOptions.of(s).options());
  }

  @Test
  void runtimeDefaultsToTheEnginesAndUntrustedToUnmarked() {
    SecureContainerSpec s = spec().build();
    assertEquals(ContainerRuntime.engineDefault(), s.runtime());
    assertFalse(s.untrusted());
    SecureContainerSpec sandboxed = spec().runtime(ContainerRuntime.gvisor()).untrusted().build();
    assertEquals(ContainerRuntime.gvisor(), sandboxed.runtime());
    assertTrue(sandboxed.untrusted());
    assertTrue(sandboxed.labels().isEmpty(), "the mark is no label of the spec's own: " + sandboxed.labels());
    assertEquals(sandboxed, sandboxed.toBuilder().build());
  }

  @Test
  void gvisorRefusesEveryNetworkButNone() {
    String reason = " (runsc runs with --network=none, so the sandbox would have only loopback whatever the"
        + " engine attaches; keep NetworkMode.none())";
    assertProblem("network must be none under gVisor: bridge" + reason,
        spec().runtime(ContainerRuntime.gvisor()).network(NetworkMode.bridge()));
    assertProblem("network must be none under gVisor: backend" + reason,
        spec().network(NetworkMode.named("backend")).runtime(ContainerRuntime.named("runsc")));
    assertProblem("network must be none under gVisor: container:db" + reason,
        spec().runtime(ContainerRuntime.gvisor()).network(NetworkMode.container("db")));
    assertProblem("network must be none under gVisor: host" + reason,
        spec().runtime(ContainerRuntime.gvisor()).allowHostNetwork());
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> spec().runtime(ContainerRuntime.gvisor())
        .network(NetworkMode.bridge()).addPort(PortBinding.localhost(8080, 80)).build());
    assertEquals(List.of("network must be none under gVisor: bridge" + reason), e.problems());
    // other runtimes keep their networks: only gVisor is registered with --network=none
    assertEquals(NetworkMode.bridge(), spec().runtime(ContainerRuntime.named("kata")).network(NetworkMode.bridge())
        .build().network());
  }

  @Test
  void newBuilderCallsRefuseNull() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> spec().runtime(null));
    assertEquals("runtime must not be null", e.getMessage());
  }

  @Test
  void toBuilderCopies() {
    SecureContainerSpec s = spec().user("1000").cpuShares(512).build();
    SecureContainerSpec t = s.toBuilder().cpuShares(1024).build();
    assertEquals(Optional.of("1000"), t.user());
    assertEquals(1024, t.cpuShares().getAsInt());
    assertEquals(512, s.cpuShares().getAsInt());
  }

  @Test
  void toBuilderKeepsUnlimitedPids() {
    SecureContainerSpec unlimited = spec().unlimitedPids().build();
    assertEquals(OptionalLong.empty(), unlimited.toBuilder().build().pidsLimit());
    assertEquals(OptionalLong.empty(), unlimited.toBuilder().cpuShares(512).build().pidsLimit());
    assertEquals(unlimited, unlimited.toBuilder().build());
    assertEquals(OptionalLong.of(64), unlimited.toBuilder().pidsLimit(64).build().pidsLimit());
    assertEquals(OptionalLong.empty(), spec().pidsLimit(64).build().toBuilder().unlimitedPids().build().pidsLimit());
    assertEquals(OptionalLong.of(1024), spec().build().toBuilder().build().pidsLimit());
  }

  /** Property: for generated specs over every attribute, {@code toBuilder().build()} is the spec. */
  @Test
  void toBuilderOfEveryGeneratedSpecBuildsTheSameSpec(@TempDir Path dir) throws IOException {
    Path profile = dir.resolve("errno.json");
    Files.writeString(profile, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[]}");
    Random seeds = new Random(0x70B0113DL);
    for (int n = 0; n < 5_000; n++) {
      long caseSeed = seeds.nextLong();
      SecureContainerSpec spec = SpecGenerator.generate(new Random(caseSeed), List.of(Seccomp.profile(profile)));
      assertEquals(spec, spec.toBuilder().build(), "case " + n + " seed " + caseSeed);
    }
  }
}
