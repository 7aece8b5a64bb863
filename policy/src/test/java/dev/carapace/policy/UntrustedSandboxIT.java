package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerRuntime;
import dev.carapace.core.MemorySize;
import dev.carapace.core.RunResult;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.testing.PinnedImage;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.policy.testing.PolicyTesting;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code untrusted-sandboxed} rule of the default profile on the real engine with the real
 * {@code runsc}: on a spec before launch (enforced by the launcher) and on running containers (the
 * audit, which also names each container's runtime).
 */
class UntrustedSandboxIT {
  private static final Duration T = Duration.ofSeconds(60);
  final String run = UUID.randomUUID().toString();

  /** {@link TestEngine#BUSYBOX_USER} as the testbed registry holds it: hardened specs pin their image by digest. */
  @RegisterExtension
  static final PinnedImage.PerClass BUSYBOX_USER = PinnedImage.perClass(TestEngine.BUSYBOX_USER);


  @BeforeAll
  static void gvisorIsThere() {
    TestEngine.requireGvisor();
  }

  /** Passes every other rule of the default profile. */
  SecureContainerSpec.Builder hardened(String name) {
    return SecureContainerSpec.builder()
        .image(BUSYBOX_USER.reference())   // USER 1000:1000 and a HEALTHCHECK; by digest
        .name(name + "-" + run.substring(0, 8))
        .putLabel(PolicyTesting.TEST_LABEL, run)
        .memoryLimit(MemorySize.ofMebibytes(64))
        .cpuShares(512)
        .readOnlyRootFilesystem(true);
  }

  @Test
  void enforcedOnASpecUntrustedCodeOutsideASandboxIsRefusedBeforeCreate() {
    try (DockerClient docker = PolicyTesting.docker();
        ContainerLauncher launcher = ContainerLauncher.builder().endpoint(TestEngine.endpoint())
            .addCheck(PolicyCheck.builder(Profiles.carapaceDefault()).dockerClient(docker).build())
            .build()) {
      long since = System.currentTimeMillis() / 1000 - 1;
      PolicyViolationException e = assertThrows(PolicyViolationException.class,
          () -> launcher.run(hardened("untrusted-runc").untrusted().command("true").build(), T));
      assertEquals("policy carapace-default refused untrusted-runc-" + run.substring(0, 8) + " (1 violation):\n"
          + "  [HIGH] untrusted-sandboxed: runtime must be sandboxed for untrusted code: \"\" (the engine's default,"
          + " runc unless configured otherwise)\n"
          + "      remedy: run it under gVisor: runtime(ContainerRuntime.gvisor()) (--runtime runsc), or another"
          + " sandboxed runtime the engine lists; to allow a reviewed one use"
          + " Profiles.sandboxedRuntimesAllowing(\"NAME\")", e.getMessage());
      assertEquals(List.of(), TestEngine.containerEvents(PolicyTesting.TEST_LABEL, run, since),
          "nothing was created");
      // the same code under gVisor passes the whole profile and runs in the sandbox
      RunResult r = launcher.run(hardened("untrusted-gvisor").untrusted().runtime(ContainerRuntime.gvisor())
          .command("uname", "-r").build(), T);
      assertEquals(0, r.exitCode(), r.stderr());
      assertEquals("4.4.0", r.stdout().trim());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void auditedOnRunningContainersWithEachOnesRuntime() {
    try (ContainerLauncher launcher = ContainerLauncher.connect(TestEngine.endpoint());
        EngineAudit audit = EngineAudit.connect(TestEngine.endpoint());
        RunningContainer exposed = launcher.launch(hardened("audit-untrusted-runc").untrusted()
            .command("sleep", "60").build());
        RunningContainer sandboxed = launcher.launch(hardened("audit-untrusted-gvisor").untrusted()
            .runtime(ContainerRuntime.gvisor()).command("sleep", "60").build());
        RunningContainer trusted = launcher.launch(hardened("audit-trusted-runc").command("sleep", "60").build())) {
      PolicyReport report = audit.audit(Profiles.carapaceDefault(), Map.of(PolicyTesting.TEST_LABEL, run));
      System.out.println(report.toText());
      assertEquals(3, report.containers().size());
      PolicyReport.ContainerResult e = result(report, "audit-untrusted-runc");
      PolicyReport.ContainerResult s = result(report, "audit-untrusted-gvisor");
      PolicyReport.ContainerResult t = result(report, "audit-trusted-runc");
      assertEquals(List.of("runtime must be sandboxed for untrusted code: runc"),
          e.violations().stream().map(Violation::message).collect(Collectors.toList()));
      assertEquals(List.of(), s.violations(), report::toText);
      assertEquals(List.of(), t.violations(), report::toText);
      assertEquals("runc", e.runtime());
      assertEquals("runsc", s.runtime());
      assertEquals("runc", t.runtime());
      String text = report.toText();
      assertTrue(text.contains("\ncontainer " + s.name() + " (" + BUSYBOX_USER.reference()
          + ") [engine, runtime runsc]: passed\n"), text);
      assertTrue(text.contains("\ncontainer " + e.name() + " (" + BUSYBOX_USER.reference()
          + ") [engine, runtime runc]: 1 violation\n"), text);
      assertTrue(s.notes().stream().anyMatch(n -> n.ruleId().equals("seccomp")
          && n.reason().contains("--oci-seccomp")), text);
      assertEquals("runsc", ContainerView.parseInspectJson(
          TestEngine.getJson("/containers/" + sandboxed.id() + "/json").get(0).toString()).runtime());
      assertTrue(audit.inspect(exposed.id()).untrusted());
      assertEquals(false, audit.inspect(trusted.id()).untrusted());
    }
  }

  private static PolicyReport.ContainerResult result(PolicyReport report, String prefix) {
    return report.containers().stream().filter(c -> c.name().startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no container " + prefix + " in " + report.toText()));
  }
}
