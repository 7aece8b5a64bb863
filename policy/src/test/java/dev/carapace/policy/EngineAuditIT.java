package dev.carapace.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.MemorySize;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.testing.PinnedImage;
import dev.carapace.core.testing.TestEngine;
import dev.carapace.policy.testing.PolicyTesting;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Audit of real running containers: one deliberately weak, one hardened by Carapace. */
class EngineAuditIT {
  final String run = UUID.randomUUID().toString();

  /** {@link TestEngine#BUSYBOX_USER} as the testbed registry holds it: hardened specs pin their image by digest. */
  @RegisterExtension
  static final PinnedImage.PerClass BUSYBOX_USER = PinnedImage.perClass(TestEngine.BUSYBOX_USER);

  static List<String> messages(PolicyReport.ContainerResult c, String ruleId) {
    return c.violations().stream().filter(v -> v.ruleId().equals(ruleId)).map(Violation::message)
        .collect(Collectors.toList());
  }

  /**
   * A hardened {@code sleep 60} of this run, named {@code prefix} and the run's first 8 characters, its image
   * pinned by digest.
   */
  SecureContainerSpec hardenedSleeper(String prefix) {
    return SecureContainerSpec.builder()
        .image(BUSYBOX_USER.reference())
        .name(prefix + run.substring(0, 8))
        .putLabel(PolicyTesting.TEST_LABEL, run)
        .command("sleep", "60")
        .memoryLimit(MemorySize.ofMebibytes(64))
        .cpuShares(512)
        .readOnlyRootFilesystem(true)
        .build();
  }

  @Test
  void auditsAWeakAndAHardenedContainerExactly() {
    try (DockerClient docker = PolicyTesting.docker();
        ContainerLauncher launcher = ContainerLauncher.connect(TestEngine.endpoint());
        EngineAudit audit = EngineAudit.connect(TestEngine.endpoint())) {
      // --privileged cannot start on this host; these weaken it in the ways that can
      HostConfig weakHost = HostConfig.newHostConfig()
          .withCapAdd(com.github.dockerjava.api.model.Capability.SYS_ADMIN)
          .withPidMode("host")
          .withSecurityOpts(List.of("seccomp=unconfined"))
          .withBinds(new Bind("/etc", new Volume("/host-etc"), AccessMode.ro));
      String weak = docker.createContainerCmd(TestEngine.BUSYBOX)
          .withName("carapace-policy-weak-" + run.substring(0, 8))
          .withCmd("sleep", "60").withUser("0")
          .withLabels(Map.of(PolicyTesting.TEST_LABEL, run))
          .withHostConfig(weakHost).exec().getId();
      try {
        docker.startContainerCmd(weak).exec();
        SecureContainerSpec hardenedSpec = hardenedSleeper("carapace-policy-hardened-");
        try (RunningContainer hardened = launcher.launch(hardenedSpec)) {
          PolicyReport report = audit.audit(Profiles.carapaceDefault(), Map.of(PolicyTesting.TEST_LABEL, run));
          System.out.println(report.toText());
          assertEquals(2, report.containers().size());
          PolicyReport.ContainerResult w = report.containers().stream()
              .filter(c -> c.name().startsWith("carapace-policy-weak")).findFirst().orElseThrow();
          PolicyReport.ContainerResult h = report.containers().stream()
              .filter(c -> c.name().startsWith("carapace-policy-hardened")).findFirst().orElseThrow();

          assertEquals(List.of(), h.violations(), report::toText);
          assertEquals(List.of("apparmor", "selinux"),
              h.notes().stream().map(Note::ruleId).collect(Collectors.toList()));

          // CRITICAL first, then HIGH, MEDIUM, LOW, each severity by rule id
          assertEquals(List.of("sensitive-mounts", "baseline-capabilities", "host-pid", "no-new-privileges",
              "non-root-user", "seccomp", "capabilities", "host-path-volumes", "memory-limit", "pids-limit",
              "read-only-rootfs", "restricted-capabilities", "selinux", "cpu-limit", "default-bridge", "healthcheck",
              "image-pinned"),
              w.violations().stream().map(Violation::ruleId).distinct().collect(Collectors.toList()));
          assertEquals(List.of("pidMode must not be host: host"), messages(w, "host-pid"));
          assertEquals(List.of("seccomp must not be disabled: unconfined"), messages(w, "seccomp"));
          assertEquals(List.of("user must not be root: 0"), messages(w, "non-root-user"));
          assertEquals(List.of("capAdd must not add capabilities beyond Docker's defaults: [SYS_ADMIN]",
              "capDrop must drop the capabilities the workload does not need: none dropped (Docker's 14 defaults kept)"),
              messages(w, "capabilities"));
          assertEquals(List.of("mounts[0].source must not be a sensitive host path: /etc (read-only)"),
              messages(w, "sensitive-mounts"));
          // --pid host makes the engine add label=disable itself
          assertEquals(List.of("selinuxLabel must not disable SELinux separation: label=disable"),
              messages(w, "selinux"));
          assertEquals(List.of("apparmor"), w.notes().stream().map(Note::ruleId).collect(Collectors.toList()));
        }
      } finally {
        docker.removeContainerCmd(weak).withForce(true).exec();
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The same container created twice from the same image, once by tag and once by the digest the registry
   * gave it: only the one by tag breaks {@code image-pinned}, and its finding quotes the image it runs and
   * the digests the engine recorded for that image.
   */
  @Test
  void aContainerCreatedByTagIsUnpinnedAndOneByDigestIsNot() {
    try (DockerClient docker = PolicyTesting.docker();
        EngineAudit audit = EngineAudit.connect(TestEngine.endpoint());
        PinnedImage pinned = PinnedImage.pull(docker, TestEngine.BUSYBOX)) {
      List<String> created = new java.util.ArrayList<>();
      try {
        for (String image : List.of(TestEngine.BUSYBOX, pinned.reference())) {
          String id = docker.createContainerCmd(image)
              .withName((image.contains("@") ? "carapace-policy-by-digest-" : "carapace-policy-by-tag-") + run.substring(0, 8))
              .withCmd("sleep", "60").withLabels(Map.of(PolicyTesting.TEST_LABEL, run))
              .withHostConfig(HostConfig.newHostConfig()).exec().getId();
          created.add(id);
          docker.startContainerCmd(id).exec();
        }
        List<String> repoDigests = docker.inspectImageCmd(pinned.imageId()).exec().getRepoDigests();
        PolicyReport report = audit.audit(Profiles.cisDocker(), Map.of(PolicyTesting.TEST_LABEL, run));
        System.out.println(report.toText());
        PolicyReport.ContainerResult byTag = report.containers().stream()
            .filter(c -> c.name().startsWith("carapace-policy-by-tag-")).findFirst().orElseThrow();
        PolicyReport.ContainerResult byDigest = report.containers().stream()
            .filter(c -> c.name().startsWith("carapace-policy-by-digest-")).findFirst().orElseThrow();
        assertEquals(List.of("image must be pinned by digest: " + TestEngine.BUSYBOX + " (a tag), runs image "
            + pinned.imageId().substring(0, 19) + " (repo digests " + repoDigests + ")"), messages(byTag, "image-pinned"));
        assertEquals(List.of(), messages(byDigest, "image-pinned"));
        // what the engine recorded, read back: the same image, asked for by digest
        assertEquals(pinned.reference(), audit.inspect(created.get(1)).image());
        assertEquals(java.util.Optional.of(pinned.digest()), audit.inspect(created.get(1)).imageDigest());
        assertEquals(audit.inspect(created.get(0)).imageId(), audit.inspect(created.get(1)).imageId());
        // and nothing else differs between the two
        List<String> tagRules = byTag.violations().stream().map(Violation::ruleId).distinct().collect(Collectors.toList());
        List<String> digestRules = byDigest.violations().stream().map(Violation::ruleId).distinct()
            .collect(Collectors.toList());
        tagRules.remove("image-pinned");
        assertEquals(tagRules, digestRules);
      } finally {
        for (String id : created) {
          docker.removeContainerCmd(id).withForce(true).exec();
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void anAuditAndACheckReuseTheLaunchersConnection() {
    try (ContainerLauncher launcher = ContainerLauncher.connect(TestEngine.endpoint())) {
      DockerClient client = launcher.dockerClient();
      assertSame(client, launcher.dockerClient(), "one client, handed out as it is");
      SecureContainerSpec spec = hardenedSleeper("carapace-policy-reuse-");
      try (RunningContainer c = launcher.launch(spec)) {
        try (EngineAudit audit = EngineAudit.builder().dockerClient(client).build()) {
          PolicyReport report = audit.audit(Profiles.carapaceDefault(), Map.of(PolicyTesting.TEST_LABEL, run));
          assertEquals(List.of(spec.name().orElseThrow()), report.containers().stream()
              .map(PolicyReport.ContainerResult::name).collect(Collectors.toList()));
          assertEquals(List.of(), report.containers().get(0).violations(), report::toText);
          assertEquals("1000:1000", audit.imageFacts(TestEngine.BUSYBOX_USER).user());
          assertFalse(audit.engineSecurity().apparmor());
        }
        // closing the audit left the launcher's client open: the check and the launcher still use it
        PolicyCheck check = PolicyCheck.builder(Profiles.carapaceDefault()).dockerClient(client).build();
        check.check(spec);   // reads the image's USER and HEALTHCHECK through the launcher's client
        assertEquals("1000\n", c.exec("id", "-u").stdout());
      }
    }
  }
}
