package dev.carapace.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.policy.PolicyCheck;
import dev.carapace.policy.PolicyViolationException;
import dev.carapace.policy.Profiles;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.PullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * A policy's refusal reaches the test as itself: {@link CarapaceHardening#applyTo} judges the container
 * before Testcontainers' start and its retry loop, against Testcontainers 2.0 and the real engine (Ryuk
 * off, host override: the build's failsafe settings). Every container carries this run's label and is
 * removed after each test.
 */
class PolicyRefusalIT {
  private static final String RUN_LABEL = "carapace-test.run";
  private final String run = UUID.randomUUID().toString();
  private final DockerClient docker = DockerClientFactory.instance().client();

  @AfterEach
  void cleanUp() {
    for (Container c : ours()) {
      docker.removeContainerCmd(c.getId()).withForce(true).exec();
    }
  }

  private List<Container> ours() {
    return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(RUN_LABEL, run)).exec();
  }

  private GenericContainer<?> busybox() {
    return new GenericContainer<>(DockerImageName.parse(TestEngine.BUSYBOX))
        .withImagePullPolicy(PullPolicy.defaultPolicy())
        .withLabel(RUN_LABEL, run)
        .withCommand("sleep", "60");
  }

  /** Root (the image's USER) and privilege escalation allowed: the restricted profile refuses both. */
  private static CarapaceHardening restricted(SecureContainerSpec profile) {
    return CarapaceHardening.builder().profile(profile)
        .addCheck(PolicyCheck.enforce(Profiles.podSecurityRestricted())).build();
  }

  @Test
  void aRefusalIsThePolicyViolationExceptionItself() {
    CarapaceHardening hardening = restricted(SecureContainerSpec.builder().image(TestEngine.BUSYBOX)
        .allowPrivilegeEscalation().build());
    try (GenericContainer<?> c = busybox()) {
      PolicyViolationException e = assertThrows(PolicyViolationException.class, () -> hardening.applyTo(c));
      assertEquals(null, e.getCause(), "thrown by the check, not wrapped");
      assertTrue(e.getMessage().startsWith("policy pss-restricted refused "), e.getMessage());
      assertTrue(e.getMessage().contains("[HIGH] no-new-privileges: securityOpts must set no-new-privileges: not set"),
          e.getMessage());
      assertTrue(e.report().violatedRuleIds().contains("non-root-user"), e.getMessage());
      assertTrue(c.getContainerId() == null, "never started");
    }
    assertEquals(List.of(), ours(), "nothing was created");
  }

  @Test
  void aPassingHardeningStartsOnTheEngine() throws Exception {
    CarapaceHardening hardening = restricted(SecureContainerSpec.builder().image(TestEngine.BUSYBOX)
        .user("1000:1000").build());
    try (GenericContainer<?> c = hardening.applyTo(busybox())) {
      c.start();
      String status = c.execInContainer("cat", "/proc/self/status").getStdout();
      assertTrue(status.contains("NoNewPrivs:\t1"), status);
      assertTrue(status.contains("CapEff:\t0000000000000000"), status);
    }
    assertEquals(List.of(), ours());
  }

  @Test
  void whatIsSetAfterApplyToIsJudgedAtCreateWhereTestcontainersWrapsTheRefusal() {
    CarapaceHardening hardening = restricted(SecureContainerSpec.builder().image(TestEngine.BUSYBOX)
        .user("1000:1000").build());
    try (GenericContainer<?> c = hardening.applyTo(busybox())) {
      c.withNetworkMode("host"); // after applyTo: the host's network, seen only at create
      ContainerLaunchException e = assertThrows(ContainerLaunchException.class, c::start);
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      PolicyViolationException refusal = assertInstanceOf(PolicyViolationException.class, root,
          "three exceptions deep, as Testcontainers wraps it");
      assertTrue(refusal.report().violatedRuleIds().contains("host-network"), refusal.getMessage());
    }
    assertEquals(List.of(), ours(), "nothing was created");
  }
}
