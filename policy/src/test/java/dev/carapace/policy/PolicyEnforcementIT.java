package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerPath;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.MemorySize;
import dev.carapace.core.Mount;
import dev.carapace.core.RunResult;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.testing.PinnedImage;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.policy.testing.PolicyTesting;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The policy plugged into the real launcher. */
class PolicyEnforcementIT {
  final String run = UUID.randomUUID().toString();

  /** {@link TestEngine#BUSYBOX_USER} as the testbed registry holds it: hardened specs pin their image by digest. */
  @RegisterExtension
  static final PinnedImage.PerClass BUSYBOX_USER = PinnedImage.perClass(TestEngine.BUSYBOX_USER);


  SecureContainerSpec.Builder hardened() {
    return SecureContainerSpec.builder()
        .image(BUSYBOX_USER.reference())
        .putLabel(PolicyTesting.TEST_LABEL, run)
        .memoryLimit(MemorySize.ofMebibytes(64))
        .cpuShares(512)
        .readOnlyRootFilesystem(true);
  }

  @Test
  void enforceRefusesAnEtcShadowMountBeforeAnythingIsCreated() {
    try (DockerClient docker = PolicyTesting.docker();
        ContainerLauncher launcher = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
            .addCheck(PolicyCheck.builder(Profiles.carapaceDefault()).dockerClient(docker).build())
            .build()) {
      SecureContainerSpec shadow = hardened().command("cat", "/etc/shadow")
          .addMount(Mount.bind("/etc/shadow", ContainerPath.of("/etc/shadow")).asReadOnly()).build();
      long since = System.currentTimeMillis() / 1000 - 1;
      PolicyViolationException e = assertThrows(PolicyViolationException.class,
          () -> launcher.run(shadow, Duration.ofSeconds(20)));
      // no container of this run was ever created (other tests may use the engine meanwhile)
      assertEquals(List.of(), TestEngine.containerEvents(PolicyTesting.TEST_LABEL, run, since));
      // and the events query sees this run's containers when there are some
      try (ContainerLauncher plain = ContainerLauncher.connect(TestEngine.endpoint())) {
        assertEquals(0, plain.run(hardened().command("true").build(), Duration.ofSeconds(20)).exitCode());
      }
      List<String> seen = TestEngine.containerEvents(PolicyTesting.TEST_LABEL, run, since);
      assertTrue(seen.contains("create") && seen.contains("destroy"), seen.toString());
      assertEquals(List.of("sensitive-mounts", "host-path-volumes"), e.report().violatedRuleIds(), "CRITICAL first");
      assertTrue(e.getMessage().contains(
          "[CRITICAL] sensitive-mounts: mounts[0].source must not be a sensitive host path: /etc/shadow (read-only)"),
          e.getMessage());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void hardenedSpecPassesEveryRuleThisHostCanSatisfyAndNotesTheRest() throws Exception {
    // one connection for all: the audit and the check reuse the first launcher's client
    try (ContainerLauncher plain = ContainerLauncher.connect(TestEngine.endpoint());
        EngineAudit audit = EngineAudit.builder().dockerClient(plain.dockerClient()).build()) {
      EngineSecurity host = audit.engineSecurity();
      SecureContainerSpec spec = hardened().command("true").build();
      // the image sets USER 1000:1000 and a HEALTHCHECK: read from the engine, not repeated in the spec
      ContainerView view = ContainerView.of(spec, audit.imageFacts(spec.image())).knowingEngine(host);
      PolicyReport report = Profiles.carapaceDefault().evaluate(view);
      assertEquals(List.of(), report.violations(), report::toText);
      assertEquals(List.of(
          "apparmor: AppArmor is not enabled on the engine's host (docker info SecurityOptions lists no name=apparmor):"
              + " no profile can confine the container, so this rule cannot be satisfied here; capabilities, seccomp"
              + " and namespaces still apply",
          "selinux: SELinux is not enabled in the engine (docker info SecurityOptions lists no name=selinux): label"
              + " options are recorded in HostConfig.SecurityOpt but not enforced, so this rule cannot be satisfied here"),
          report.notes().stream().map(Note::toString).collect(Collectors.toList()));
      System.out.println(report.toText());

      // and the launcher in enforce mode, knowing the host, runs it
      try (ContainerLauncher launcher = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
          .addCheck(PolicyCheck.builder(Profiles.carapaceDefault()).dockerClient(plain.dockerClient())
              .engineSecurity(host).build())
          .build()) {
        RunResult r = launcher.run(hardened().command("id", "-u").build(), Duration.ofSeconds(20));
        assertEquals(0, r.exitCode());
        assertEquals("1000\n", r.stdout());
      }
    }
  }

  @Test
  void withoutImageInspectionAnUnsetUserIsRefusedAsUnknown() {
    PolicyCheck check = PolicyCheck.enforce(Profiles.cisDocker());
    PolicyViolationException e = assertThrows(PolicyViolationException.class,
        () -> check.check(hardened().command("true").build()));
    assertEquals(List.of("user must be known not to be root: unset (the image's USER, not inspected)",
        "healthcheck must be known to be set: unset (the image's HEALTHCHECK, not inspected)"),
        e.report().violations().stream().map(Violation::message).collect(Collectors.toList()));
    check.check(hardened().user("1000:1000").healthCheck(HealthCheck.shell("true")).command("true").build());
  }
}
