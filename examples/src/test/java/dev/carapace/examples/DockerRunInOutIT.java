package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DockerRunInOutIT {
  @Test
  void parsesLaunchesAndRendersTheSeedsLine() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      assertEquals(0, DockerRunInOut.run(launcher, TestEngine.BUSYBOX, new PrintStream(buf, true, StandardCharsets.UTF_8)));
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("parsed:   14 capabilities dropped, no-new-privileges false, network bridge\n"), out);
    assertTrue(out.contains("CapEff:   0000000000000000 []\n"), out);
    assertTrue(out.contains("rendered: docker run --cap-drop CHOWN"), out);
    assertTrue(out.contains("hardened: docker run --cap-drop ALL --security-opt no-new-privileges --network none"
        + " --pids-limit 1024 carapace-test/busybox:1 cat /proc/self/status\n"), out);
  }
}
