package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SeedCapabilitiesIT {
  @Test
  void seedDropsAndDropAllLeaveNothingAndChownComesBackWithItsCapability() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String launcherId;
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      launcherId = launcher.id();
      assertEquals(0, SeedCapabilities.run(launcher, TestEngine.BUSYBOX,
          new PrintStream(buf, true, StandardCharsets.UTF_8)));
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("docker defaults      CapEff 00000000a80425fb  chown ok      14 caps [CHOWN, "), out);
    assertTrue(out.contains("seed: 14 --cap-drop  CapEff 0000000000000000  chown denied   0 caps []\n"), out);
    assertTrue(out.contains("--cap-drop ALL       CapEff 0000000000000000  chown denied   0 caps []\n"), out);
    assertTrue(out.contains("ALL, then +CHOWN     CapEff 0000000000000001  chown ok       1 caps [CHOWN]\n"), out);
    assertTrue(out.contains("kernel matches every spec\n"), out);
    LauncherLeftovers.assertNoneLeft(launcherId);
  }
}
