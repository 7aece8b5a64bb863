package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HardenedHelloIT {
  @Test
  void printsWhatTheKernelEnforcesOnTheDefaults() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    assertEquals(0, HardenedHello.run(TestEngine.endpoint(), TestEngine.BUSYBOX,
        new PrintStream(buf, true, StandardCharsets.UTF_8)));
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.print(out);
    assertTrue(out.matches("Carapace hardened container [0-9a-f]{12} \\(carapace-test/busybox:1\\)\n(?s).*"), out);
    String report = out.substring(out.indexOf('\n') + 1);
    assertEquals("  CapEff      0000000000000000 []\n"
        + "  CapBnd      []\n"
        + "  NoNewPrivs  1\n"
        + "  Seccomp     2 (filter)\n"
        + "  uid         1000\n"
        + "  pids        1024\n"
        + "  network     lo\n", report);
  }
}
