package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HardenedHelloIT {
  @Test
  void printsWhatTheKernelEnforces() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      assertEquals(0, HardenedHello.run(launcher, TestEngine.BUSYBOX,
          new PrintStream(buf, true, StandardCharsets.UTF_8)));
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("  CapEff      0000000000000000 []\n"), out);
    assertTrue(out.contains("  NoNewPrivs  1\n"), out);
    assertTrue(out.contains("  Seccomp     2 (filter)\n"), out);
    assertTrue(out.contains("  uid         1000\n"), out);
    assertTrue(out.contains("  cpuset      0\n"), out);
    assertTrue(out.contains("  shares      512\n"), out);
    assertTrue(out.contains("  memory      67108864\n"), out);
    assertTrue(out.contains("  pids        64\n"), out);
    assertTrue(out.contains("  rootfs      read-only\n"), out);
  }
}
