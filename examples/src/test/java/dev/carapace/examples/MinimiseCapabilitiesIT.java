package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MinimiseCapabilitiesIT {
  @Test
  void findsChownSysChrootNetRawInSeventeenRunsAndNothingInTwo() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      assertEquals(0, MinimiseCapabilities.run(launcher, TestEngine.BUSYBOX,
          new PrintStream(buf, true, StandardCharsets.UTF_8)));
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.println(out);
    assertTrue(out.startsWith("chown + chroot + ping: [CHOWN, NET_RAW, SYS_CHROOT] in 17 runs (2^14 = 16384 subsets)\n"),
        out);
    assertTrue(out.contains("\necho + ls: [] in 2 runs (2^14 = 16384 subsets)\n"), out);
    assertEquals(19, out.lines().filter(l -> l.matches("  run +\\d+  (works|fails) +\\d+ ms  .*")).count(), out);
    assertTrue(out.contains("\n  run  1  works "), out);
    assertTrue(out.lines().anyMatch(l -> l.matches("  run +\\d+  works +\\d+ ms  \\[CHOWN, NET_RAW, SYS_CHROOT\\]")),
        out);
    assertTrue(out.contains("--cap-drop ALL --cap-add CHOWN --cap-add NET_RAW --cap-add SYS_CHROOT"), out);
  }
}
