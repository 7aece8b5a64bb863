package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PolicyAuditIT {
  static final String LABEL = "carapace-test.examples.policy-audit";

  /** {@link TestEngine#BUSYBOX_USER} as the testbed registry holds it: the hardened container pins it by digest. */
  @RegisterExtension
  static final PinnedImage.PerClass BUSYBOX_USER = PinnedImage.perClass(TestEngine.BUSYBOX_USER);

  /** The rule ids of the section of {@code report} for the container named {@code name}. */
  static List<String> ruleIds(String report, String name) {
    int at = report.indexOf("\ncontainer " + name + " ");
    assertTrue(at >= 0, "no section for " + name + " in\n" + report);
    int end = report.indexOf("\ncontainer ", at + 1);
    String section = report.substring(at, end < 0 ? report.length() : end);
    List<String> ids = new ArrayList<>();
    Matcher m = Pattern.compile("^  \\[[A-Z]+\\] ([a-z0-9-]+): ", Pattern.MULTILINE).matcher(section);
    while (m.find()) {
      if (!ids.contains(m.group(1))) {
        ids.add(m.group(1));
      }
    }
    return ids;
  }

  @Test
  void reportsTheWeakContainersViolationsAndPassesTheHardenedOne() throws IOException {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String weakName = "carapace-example-weak-" + run;
    String hardenedName = "carapace-example-hardened-" + run;
    try (DockerClient docker = ExampleClients.connect(TestEngine.endpoint());
        ContainerLauncher launcher = TestEngine.launcher()) {
      // weak as `docker run --cap-add SYS_ADMIN --security-opt seccomp=unconfined -u 0 -v /etc:/host-etc:ro`
      String weak = docker.createContainerCmd(TestEngine.BUSYBOX)
          .withName(weakName)
          .withCmd("sleep", "60").withUser("0")
          .withLabels(Map.of(LABEL, run))
          .withHostConfig(HostConfig.newHostConfig()
              .withCapAdd(com.github.dockerjava.api.model.Capability.SYS_ADMIN)
              .withSecurityOpts(List.of("seccomp=unconfined"))
              .withBinds(new Bind("/etc", new Volume("/host-etc"), AccessMode.ro)))
          .exec().getId();
      try {
        docker.startContainerCmd(weak).exec();
        SecureContainerSpec hardened = SecureContainerSpec.builder()
            .image(BUSYBOX_USER.reference())   // USER 1000:1000 and a HEALTHCHECK; by digest
            .name(hardenedName)
            .putLabel(LABEL, run)
            .command("sleep", "60")
            .memoryLimit(MemorySize.ofMebibytes(64))
            .cpuShares(512)
            .readOnlyRootFilesystem(true)
            .build();
        try (RunningContainer h = launcher.launch(hardened)) {
          ByteArrayOutputStream buf = new ByteArrayOutputStream();
          assertEquals(1, PolicyAudit.run(TestEngine.endpoint(), Map.of(LABEL, run), false,
              new PrintStream(buf, true, StandardCharsets.UTF_8)));
          String out = buf.toString(StandardCharsets.UTF_8);
          System.out.println(out);

          assertTrue(out.startsWith("Policy carapace-default: 2 containers, "), out);
          List<String> weakIds = ruleIds(out, weakName);
          for (String id : List.of("capabilities", "baseline-capabilities", "seccomp", "non-root-user",
              "sensitive-mounts", "host-path-volumes", "no-new-privileges", "memory-limit", "read-only-rootfs",
              "image-pinned")) {
            assertTrue(weakIds.contains(id), id + " missing for the weak container: " + weakIds);
          }
          assertTrue(out.contains("\n  [CRITICAL] sensitive-mounts: mounts[0].source must not be a sensitive host path:"
              + " /etc (read-only)\n"), out);
          assertTrue(out.contains("] seccomp: seccomp must not be disabled: unconfined\n"), out);
          assertTrue(out.contains("] non-root-user: user must not be root: 0\n"), out);
          assertTrue(out.contains("] capabilities: capAdd must not add capabilities beyond Docker's defaults:"
              + " [SYS_ADMIN]\n"), out);

          assertEquals(List.of(), ruleIds(out, hardenedName), out);
          assertTrue(out.contains("\ncontainer " + hardenedName + " (" + BUSYBOX_USER.reference()
              + ") [engine, runtime runc]: passed\n"), out);
        }
      } finally {
        docker.removeContainerCmd(weak).withForce(true).exec();
      }
    }
  }
}
