package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitsAndMountsIT {
  @Test
  void theKernelShowsTheLimitsAndRefusesWritesToTheReadOnlyMount() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Path config = LimitsAndMounts.hostFolder();
    String launcherId;
    List<String> left;
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      launcherId = launcher.id();
      assertEquals(0, LimitsAndMounts.run(launcher, TestEngine.BUSYBOX, config,
          new PrintStream(buf, true, StandardCharsets.UTF_8)));
    } finally {
      try (var files = Files.list(config)) {
        left = files.map(f -> f.getFileName().toString()).sorted().toList();
      }
      LimitsAndMounts.removeHostFolder(config);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.print(out);
    assertTrue(out.matches("Carapace container [0-9a-f]{12} \\(carapace-test/busybox:1\\), seen from inside\n(?s).*"),
        out);
    assertEquals("  memory        67108864\n"
        + "  pids          64\n"
        + "  cpu shares    512\n"
        + "  /             ro\n"
        + "  /tmp          tmpfs rw,nosuid,nodev,noexec,relatime,size=16384k\n"
        + "  /config       ro\n"
        + "  write /tmp    ok\n"
        + "  write /config touch: /config/probe: Read-only file system\n"
        + "  read /config  hello from the host\n", out.substring(out.indexOf('\n') + 1));
    assertEquals(List.of("greeting.txt"), left, "the container wrote nothing to the host folder");
    LauncherLeftovers.assertNoneLeft(launcherId);
  }
}
