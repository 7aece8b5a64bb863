package dev.carapace.testcontainers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig.LoggingType;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.command.CreateContainerCmdImpl;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.LaunchException;
import dev.carapace.core.LogConfig;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.NetworkMode;
import dev.carapace.core.SecureContainerSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hardening measured on the create request Testcontainers would send; no Docker needed. */
class CarapaceHardeningTest {
  private static final String IMAGE = "carapace-test/busybox:1";

  @AfterEach
  void clearOptIn() {
    System.clearProperty(SuiteHardening.PROPERTY);
    SuiteHardening.reset();
  }

  /** A request as GenericContainer builds it: a bind, a random port, env and its own labels. */
  private static CreateContainerCmd testcontainersRequest() {
    CreateContainerCmd cmd = new CreateContainerCmdImpl(c -> {
      throw new AssertionError("never sent");
    }, null, IMAGE);
    HostConfig hc = new HostConfig()
        .withBinds(new Bind("/srv/config", new Volume("/config"), AccessMode.ro))
        .withPortBindings(new PortBinding(Ports.Binding.empty(), ExposedPort.tcp(8080)))
        .withExtraHosts("host.testcontainers.internal:10.0.0.1");
    Map<String, String> labels = new HashMap<>();
    labels.put("team", "payments");
    return cmd.withHostConfig(hc).withCmd("sleep", "60").withEnv("MODE=test")
        .withExposedPorts(ExposedPort.tcp(8080)).withLabels(labels);
  }

  @Test
  void anEntrypointClearedWithOneEmptyWordIsJudgedAndKept() {
    CreateContainerCmd cmd = testcontainersRequest().withEntrypoint("");
    assertEquals(List.of(), CarapaceHardening.effectiveSpec(cmd).entrypoint(),
        "the engine reads [\"\"] as no ENTRYPOINT, which a spec cannot say; the checks judge the rest");
    CarapaceHardening.defaults().accept(cmd);
    assertArrayEquals(new String[] {""}, cmd.getEntrypoint(), "the request keeps it");
  }

  @Test
  void refusesPrivilegedModeInsteadOfTurningItOff() {
    for (CarapaceHardening hardening : List.of(CarapaceHardening.defaults(), CarapaceHardening.of(
        SecureContainerSpec.builder().image(IMAGE).keepDockerDefaultCapabilities().build()))) {
      CreateContainerCmd cmd = testcontainersRequest();
      cmd.getHostConfig().withPrivileged(true);
      LaunchException e = assertThrows(LaunchException.class, () -> hardening.accept(cmd));
      assertEquals(LaunchException.Step.CREATE, e.step());
      assertTrue(e.getMessage().contains("privileged must not be set on a hardened container: true (remove"
          + " withPrivilegedMode(true); add only the capabilities the container needs to the profile)"), e.getMessage());
      assertEquals(Boolean.TRUE, cmd.getHostConfig().getPrivileged(), "refused, not rewritten");
    }
  }

  @Test
  void mergesDefaultsIntoTestcontainersHostConfig() {
    CreateContainerCmd cmd = testcontainersRequest();
    CarapaceHardening.defaults().accept(cmd);
    HostConfig hc = cmd.getHostConfig();
    assertArrayEquals(new Capability[] {Capability.ALL}, hc.getCapDrop());
    assertEquals(List.of("no-new-privileges"), hc.getSecurityOpts());
    assertEquals(1024L, hc.getPidsLimit());
    assertEquals(Boolean.FALSE, hc.getPrivileged());
    // Testcontainers' own parts stay
    assertArrayEquals(new Bind[] {new Bind("/srv/config", new Volume("/config"), AccessMode.ro)}, hc.getBinds());
    assertEquals(1, hc.getPortBindings().getBindings().size());
    assertArrayEquals(new String[] {"host.testcontainers.internal:10.0.0.1"}, hc.getExtraHosts());
    assertNull(hc.getNetworkMode(), "the default profile's network none must not replace Testcontainers'");
    assertArrayEquals(new String[] {"sleep", "60"}, cmd.getCmd());
    assertArrayEquals(new String[] {"MODE=test"}, cmd.getEnv());
    assertNull(cmd.getUser());
    assertEquals(Map.of("team", "payments", CarapaceHardening.HARDENED_LABEL, "true"), cmd.getLabels());
  }

  @Test
  void keepsTestcontainersNetworkUnlessTheProfileNamesOne() {
    CreateContainerCmd cmd = testcontainersRequest();
    cmd.getHostConfig().withNetworkMode("tc-net");
    CarapaceHardening.defaults().accept(cmd);
    assertEquals("tc-net", cmd.getHostConfig().getNetworkMode());

    CreateContainerCmd other = testcontainersRequest();
    other.getHostConfig().withNetworkMode("tc-net");
    CarapaceHardening.of(SecureContainerSpec.builder().image(IMAGE).network(NetworkMode.bridge()).build()).accept(other);
    assertEquals("bridge", other.getHostConfig().getNetworkMode());
  }

  @Test
  void appliesUserLabelsResourcesMountsAndLogDriverButNotTheProfilesImageOrCommand() {
    SecureContainerSpec profile = SecureContainerSpec.builder().image("ignored:1").command("ignored")
        .user("1000:1000").putLabel("tier", "test").putEnv("IGNORED", "x")
        .memoryLimit(MemorySize.ofMebibytes(64)).cpuShares(512).readOnlyRootFilesystem(true)
        .addMount(Mount.tmpfs(ContainerPath.of("/tmp"), MemorySize.ofMebibytes(16)))
        .logConfig(LogConfig.jsonFile(MemorySize.ofMebibytes(1), 2))
        .addCapability("NET_RAW").build();
    CreateContainerCmd cmd = testcontainersRequest();
    CarapaceHardening.of(profile).accept(cmd);
    HostConfig hc = cmd.getHostConfig();
    assertEquals(IMAGE, cmd.getImage());
    assertArrayEquals(new String[] {"sleep", "60"}, cmd.getCmd());
    assertArrayEquals(new String[] {"MODE=test"}, cmd.getEnv());
    assertEquals("1000:1000", cmd.getUser());
    assertEquals("test", cmd.getLabels().get("tier"));
    assertEquals(64L * 1024 * 1024, hc.getMemory());
    assertEquals(512, hc.getCpuShares());
    assertEquals(Boolean.TRUE, hc.getReadonlyRootfs());
    assertEquals(Map.of("/tmp", "rw,noexec,nosuid,nodev,size=16777216"), hc.getTmpFs());
    assertArrayEquals(new Capability[] {Capability.NET_RAW}, hc.getCapAdd());
    assertEquals(LoggingType.JSON_FILE, hc.getLogConfig().getType(),
        "Testcontainers' client serialises the log driver by docker-java's enum");
    assertEquals(Map.of("max-size", "1m", "max-file", "2"), hc.getLogConfig().getConfig());
  }

  @Test
  void appliedTwiceGivesTheSameRequest() {
    SecureContainerSpec profile = SecureContainerSpec.builder().image(IMAGE)
        .addMount(Mount.volume("cache", ContainerPath.of("/cache"))).build();
    CreateContainerCmd cmd = testcontainersRequest();
    CarapaceHardening.of(profile).accept(cmd);
    String once = cmd.getHostConfig().toString();
    CarapaceHardening.of(profile).accept(cmd);
    assertEquals(once, cmd.getHostConfig().toString());
    assertEquals(1, cmd.getHostConfig().getMounts().size());
  }

  @Test
  void checksJudgeTheWholeRequestAsTheSpecItAmountsTo() {
    List<SecureContainerSpec> seen = new ArrayList<>();
    CarapaceHardening.builder().addCheck(seen::add).build().accept(testcontainersRequest());
    SecureContainerSpec s = seen.get(0);
    assertEquals(IMAGE, s.image());
    assertEquals(List.of("sleep", "60"), s.command());
    assertEquals(Map.of("MODE", "test"), s.env());
    assertEquals(List.of(Mount.bind("/srv/config", ContainerPath.of("/config")).asReadOnly()), s.mounts());
    assertEquals("[0.0.0.0::8080/tcp]", s.ports().toString());
    assertEquals(NetworkMode.bridge(), s.network());
    assertTrue(s.dropAllCapabilities());
    assertTrue(s.effectiveCapabilities().isEmpty());
    assertTrue(s.noNewPrivileges());
    assertEquals(java.util.OptionalLong.of(1024), s.pidsLimit());
    assertEquals(Map.of("team", "payments"), s.labels(), "Carapace's own label is not the user's");
  }

  @Test
  void aGvisorProfileSendsTheRuntimeAndTheUntrustedLabelAndTheChecksSeeBoth() {
    SecureContainerSpec profile = SecureContainerSpec.builder().image(IMAGE)
        .runtime(ContainerRuntime.gvisor()).untrusted().build();
    List<SecureContainerSpec> seen = new ArrayList<>();
    CreateContainerCmd cmd = testcontainersRequest();
    cmd.getHostConfig().withNetworkMode("none").withPortBindings(new Ports()); // gVisor: loopback only
    cmd.withExposedPorts(List.of());
    CarapaceHardening.builder().profile(profile).addCheck(seen::add).build().accept(cmd);
    assertEquals("runsc", cmd.getHostConfig().getRuntime());
    assertEquals("true", cmd.getLabels().get(SecureContainerSpec.UNTRUSTED_LABEL));
    assertEquals(ContainerRuntime.gvisor(), seen.get(0).runtime());
    assertTrue(seen.get(0).untrusted());
    assertEquals(Map.of("team", "payments"), seen.get(0).labels());
    // Testcontainers' own bridge under gVisor is refused with the spec's reason
    LaunchException e = assertThrows(LaunchException.class,
        () -> CarapaceHardening.of(profile).accept(testcontainersRequest()));
    assertTrue(e.getMessage().contains("network must be none under gVisor: bridge"), e.getMessage());
  }

  @Test
  void aRefusingCheckPassesItsExceptionOnUnchanged() {
    IllegalStateException refusal = new IllegalStateException("user unset");
    CarapaceHardening h = CarapaceHardening.builder().addCheck(s -> {
      throw refusal;
    }).build();
    assertSame(refusal, assertThrows(IllegalStateException.class, () -> h.accept(testcontainersRequest())));
  }

  @Test
  void refusesWhatASpecCannotExpress() {
    CreateContainerCmd cmd = testcontainersRequest();
    cmd.getHostConfig().withPidMode("host").withSecurityOpts(List.of("systempaths=unconfined"));
    LaunchException e = assertThrows(LaunchException.class, () -> CarapaceHardening.defaults().accept(cmd));
    assertEquals("create of carapace-test/busybox:1 failed: the Testcontainers request cannot be judged:"
        + " pid mode host shares the host's namespace: host (a SecureContainerSpec never does);"
        + " securityOpt option is not supported: systempaths (Carapace models no-new-privileges, seccomp, apparmor"
        + " and label)", e.getMessage());
    assertEquals(LaunchException.Step.CREATE, e.step());
  }

  @Test
  void suiteHardeningDoesNothingWithoutOptIn() {
    CreateContainerCmd cmd = testcontainersRequest();
    new SuiteHardening().modify(cmd);
    assertNull(cmd.getHostConfig().getCapDrop());
    assertFalse(cmd.getLabels().containsKey(CarapaceHardening.HARDENED_LABEL));
  }

  @Test
  void suiteHardeningAppliesWhenOptedIn() {
    System.setProperty(SuiteHardening.PROPERTY, "true");
    CreateContainerCmd cmd = testcontainersRequest();
    new SuiteHardening().modify(cmd);
    assertArrayEquals(new Capability[] {Capability.ALL}, cmd.getHostConfig().getCapDrop());
  }

  @Test
  void suiteHardeningSkipsLabelledContainersAndTestcontainersHelpers() {
    System.setProperty(SuiteHardening.PROPERTY, "true");
    CreateContainerCmd labelled = testcontainersRequest();
    labelled.getLabels().put(SuiteHardening.SKIP_LABEL, "true");
    new SuiteHardening().modify(labelled);
    assertNull(labelled.getHostConfig().getCapDrop());

    for (String helper : List.of("testcontainers/ryuk:0.14.0", "testcontainers/sshd:1.3.0",
        "docker/compose:1.29.2", "docker:24.0.2", "registry.corp.example/mirror/testcontainers/ryuk:0.14.0",
        "localhost:5000/testcontainers/sshd@sha256:abc")) {
      assertTrue(SuiteHardening.helperImage(helper), helper);
    }
    for (String workload : List.of("alpine:3.17", "postgres:16", IMAGE, "docker.io/library/redis:7",
        "testcontainersfan/app:1")) {
      assertFalse(SuiteHardening.helperImage(workload), workload);
    }
  }

  @Test
  void optInIsExplicitlyTrue() {
    assertFalse(SuiteHardening.enabled(null, null));
    assertFalse(SuiteHardening.enabled("false", "true"), "the property wins over the environment");
    assertTrue(SuiteHardening.enabled(null, "TRUE"));
    assertTrue(SuiteHardening.enabled(" true ", null));
    assertFalse(SuiteHardening.enabled("yes", null));
  }
}
