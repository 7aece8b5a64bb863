package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.carapace.core.LaunchException;
import dev.carapace.core.ProcStatus;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.policy.PolicyCheck;
import dev.carapace.policy.PolicyViolationException;
import dev.carapace.policy.Profiles;
import dev.carapace.testcontainers.CarapaceHardening;
import dev.carapace.testcontainers.SuiteHardening;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.PullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * Testcontainers (2.0, Ryuk disabled by the build) starting containers hardened by Carapace against the
 * real engine: the kernel's view from inside, the engine's view by inspect, and refusals that create
 * nothing. Every container is labelled with this run's id and removed after each test.
 */
class HardenedTestcontainerIT {
  private static final String RUN_LABEL = "carapace-test.run";
  private final String run = UUID.randomUUID().toString();
  private final DockerClient docker = DockerClientFactory.instance().client();

  @BeforeEach
  @AfterEach
  void cleanUp() {
    System.clearProperty(SuiteHardening.PROPERTY);
    SuiteHardening.reset();
    for (Container c : ours()) {
      docker.removeContainerCmd(c.getId()).withForce(true).exec();
    }
  }

  private List<Container> ours() {
    return docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(RUN_LABEL, run)).exec();
  }

  private GenericContainer<?> busybox() {
    return new GenericContainer<>(DockerImageName.parse(TestEngine.BUSYBOX))
        .withImagePullPolicy(PullPolicy.defaultPolicy())
        .withLabel(RUN_LABEL, run)
        .withCommand("sleep", "60");
  }

  private static ProcStatus procStatus(GenericContainer<?> c) throws Exception {
    return ProcStatus.parse(c.execInContainer("cat", "/proc/self/status").getStdout());
  }

  @Test
  void exampleShowsTheKernelAndTheEngineEnforcingTheHardening() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertEquals(0, HardenedTestcontainer.run(TestEngine.BUSYBOX, new PrintStream(buf, true, StandardCharsets.UTF_8)));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("  CapEff          0000000000000000 []\n"), out);
    assertTrue(out.contains("  NoNewPrivs      1\n"), out);
    assertTrue(out.contains("  Seccomp         2\n"), out);
    assertTrue(out.contains("  uid             1000\n"), out);
    assertTrue(out.contains("  CapDrop         [ALL]\n"), out);
    assertTrue(out.contains("  SecurityOpt     [no-new-privileges]\n"), out);
    assertTrue(out.contains("  PidsLimit       64\n"), out);
    assertTrue(out.contains("  Memory          67108864\n"), out);
    assertTrue(out.contains("  ReadonlyRootfs  true\n"), out);
    assertTrue(out.contains("  Privileged      false\n"), out);
    assertTrue(out.contains("  NetworkMode     default\n") || out.contains("  NetworkMode     bridge\n"),
        "Testcontainers' network, not the spec's none: " + out);
    assertTrue(out.contains("  label           dev.carapace.hardened=true\n"), out);
    assertTrue(docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(CarapaceHardening.HARDENED_LABEL, "true")).exec().isEmpty(),
        "the example's container is removed");
  }

  @Test
  void hardeningMergesIntoWhatTestcontainersBuilds() throws Exception {
    // a bind as withFileSystemBind makes it (which would also run Testcontainers' alpine mount check)
    try (GenericContainer<?> c = CarapaceHardening.defaults().applyTo(busybox()
        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
            .withBinds(new Bind("/etc/hostname", new Volume("/host-hostname"), AccessMode.ro)))
        .withCommand("httpd", "-f", "-p", "8080")       // Testcontainers waits for this port
        .withExposedPorts(8080))) {
      c.start();
      HostConfig hc = docker.inspectContainerCmd(c.getContainerId()).exec().getHostConfig();
      assertEquals(List.of(Capability.ALL), List.of(hc.getCapDrop()));
      assertEquals(List.of("no-new-privileges"), hc.getSecurityOpts());
      assertEquals(1024L, hc.getPidsLimit());
      assertEquals("/etc/hostname:/host-hostname:ro", hc.getBinds()[0].toString(), "Testcontainers' bind stays");
      assertTrue(c.getMappedPort(8080) > 0, "Testcontainers' port mapping and wait strategy still work");
      ProcStatus s = procStatus(c);
      assertEquals(0L, s.effectiveMask());
      assertTrue(s.noNewPrivs());
      assertEquals(0, c.execInContainer("cat", "/host-hostname").getExitCode());
    }
    assertTrue(ours().isEmpty());
  }

  @Test
  void suiteWideHardeningAppliesOnlyWhenOptedIn() throws Exception {
    try (GenericContainer<?> plain = busybox()) {
      plain.start();
      ProcStatus s = procStatus(plain);
      assertEquals(Long.parseUnsignedLong("a80425fb", 16), s.effectiveMask(), "Docker's 14 defaults without opt-in");
      assertFalse(s.noNewPrivs());
    }

    System.setProperty(SuiteHardening.PROPERTY, "true");
    try (GenericContainer<?> hardened = busybox()) {   // no Carapace call on the container itself
      hardened.start();
      ProcStatus s = procStatus(hardened);
      assertEquals(0L, s.effectiveMask());
      assertTrue(s.noNewPrivs());
      Map<String, String> labels = docker.inspectContainerCmd(hardened.getContainerId()).exec()
          .getConfig().getLabels();
      assertEquals("true", labels.get(CarapaceHardening.HARDENED_LABEL));
      assertEquals("true", labels.get("org.testcontainers"), "Testcontainers' own labels stay");
    }

    try (GenericContainer<?> skipped = busybox().withLabel(SuiteHardening.SKIP_LABEL, "true")) {
      skipped.start();
      assertEquals(Long.parseUnsignedLong("a80425fb", 16), procStatus(skipped).effectiveMask());
    }
    assertTrue(ours().isEmpty());
  }

  @Test
  void refusingPolicyFailsStartAndCreatesNothing() {
    // root (the image's USER) and privilege escalation allowed: the restricted profile refuses both
    CarapaceHardening hardening = CarapaceHardening.builder()
        .profile(SecureContainerSpec.builder().image(TestEngine.BUSYBOX).allowPrivilegeEscalation().build())
        .addCheck(PolicyCheck.enforce(Profiles.podSecurityRestricted()))
        .build();
    try (GenericContainer<?> c = busybox()) {
      // judged by applyTo, before Testcontainers' start: the refusal is the exception itself
      PolicyViolationException violation = assertThrows(PolicyViolationException.class, () -> hardening.applyTo(c));
      assertTrue(violation.getMessage().contains("no-new-privileges"), violation.getMessage());
      assertTrue(violation.getMessage().contains("1000:1000") || violation.getMessage().contains("user"),
          violation.getMessage());
    }
    assertTrue(ours().isEmpty(), "nothing was created");
  }

  @Test
  void privilegedModeIsRefusedAtCreateAndCreatesNothing() {
    try (GenericContainer<?> c = CarapaceHardening.defaults().applyTo(busybox().withPrivilegedMode(true))) {
      ContainerLaunchException e = assertThrows(ContainerLaunchException.class, c::start);
      LaunchException refused = cause(e, LaunchException.class);
      assertEquals(LaunchException.Step.CREATE, refused.step());
      assertTrue(refused.getMessage().contains("privileged must not be set on a hardened container: true"),
          refused.getMessage());
    }
    assertTrue(ours().isEmpty(), "nothing was created");
  }

  @Test
  void suiteWideRefusalFailsStartAndCreatesNothing() {
    System.setProperty(SuiteHardening.PROPERTY, "true");
    SuiteHardening.use(CarapaceHardening.builder()
        .addCheck(spec -> {
          if (spec.user().isEmpty()) {
            throw new IllegalStateException("user must be set: unset (call withCreateContainerCmdModifier"
                + " or a profile with user(\"1000:1000\"))");
          }
        })
        .build());
    try (GenericContainer<?> c = busybox()) {
      ContainerLaunchException e = assertThrows(ContainerLaunchException.class, c::start);
      assertEquals("user must be set: unset (call withCreateContainerCmdModifier or a profile with"
          + " user(\"1000:1000\"))", cause(e, IllegalStateException.class).getMessage());
    }
    assertTrue(ours().isEmpty(), "nothing was created");
  }

  private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + t, t);
  }
}
