package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the example as a user would: the rendered Pod passes restricted and is hardened in its YAML; the
 * bundled hand-written Pod's report names every rule it breaks. An IT like the other examples' (it
 * needs no engine: the image is only named).
 */
class KubernetesManifestIT {
  @Test
  void rendersAHardenedPodAndAuditsTheHandWrittenOne() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit = KubernetesManifest.run(TestEngine.BUSYBOX_USER, KubernetesManifest.bundledPod(),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, out);
    assertTrue(out.startsWith("apiVersion: v1\nkind: Pod\n"), out);
    for (String line : List.of("      image: " + TestEngine.BUSYBOX_USER, "            - ALL",
        "        allowPrivilegeEscalation: false", "        runAsUser: 1000", "          type: RuntimeDefault",
        "        medium: Memory", "        sizeLimit: 16Mi", "rendered pod, pss-restricted: passed")) {
      assertTrue(out.contains(line + "\n"), line + " missing in\n" + out);
    }
    assertTrue(out.contains("\ncontainer legacy/app (busybox:1.36) [manifest]: "), out);
    // the report's order: CRITICAL first, then HIGH, MEDIUM, each severity by rule id
    assertEquals(List.of("baseline-capabilities", "host-network", "no-new-privileges", "non-root-user", "seccomp",
        "host-path-volumes", "restricted-capabilities"), PolicyAuditIT.ruleIds(out, "legacy/app"));
  }
}
