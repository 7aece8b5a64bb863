package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.MemorySize;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitorIT {
  @Test
  void showsAndExportsCpuAndMemoryOfRunningCarapaceContainers(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("stats.csv");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String launcherId;
    String busyId;
    String idleId;
    try (ContainerLauncher launcher = TestEngine.launcher();
        RunningContainer busy = launcher.launch(TestEngine.busybox("sh", "-c", "while :; do :; done")
            .memoryLimit(MemorySize.ofMebibytes(32)).build());
        RunningContainer idle = launcher.launch(TestEngine.busybox("sleep", "60")
            .memoryLimit(MemorySize.ofMebibytes(16)).build())) {
      launcherId = launcher.id();
      busyId = busy.id();
      idleId = idle.id();
      assertEquals(0, Monitor.run(TestEngine.endpoint(), Duration.ofSeconds(4), csv, false,
          new PrintStream(buf, true, StandardCharsets.UTF_8)));
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("CONTAINER     NAME "), out);
    assertTrue(out.contains(busyId.substring(0, 12) + "  "), out);
    assertTrue(out.contains(idleId.substring(0, 12) + "  "), out);
    assertTrue(out.contains(" / 32MiB "), out);
    assertTrue(out.contains(" / 16MiB "), out);

    List<String> lines = Files.readAllLines(csv);
    assertEquals(Monitor.CSV_HEADER, lines.get(0));
    List<String[]> busyRows = lines.stream().skip(1).map(l -> l.split(",")).filter(r -> r[1].equals(busyId)).toList();
    List<String[]> idleRows = lines.stream().skip(1).map(l -> l.split(",")).filter(r -> r[1].equals(idleId)).toList();
    assertFalse(busyRows.isEmpty(), String.join("\n", lines));
    assertFalse(idleRows.isEmpty(), String.join("\n", lines));
    for (String[] r : busyRows) {
      assertEquals(8, r.length);
      assertEquals(TestEngine.BUSYBOX, r[3]);
      assertTrue(Double.parseDouble(r[4]) > 10, "a busy loop uses CPU: " + String.join(",", r));
      assertEquals(32L << 20, Long.parseLong(r[6]));
      assertEquals("1", r[7]);
    }
    for (String[] r : idleRows) {
      assertTrue(Double.parseDouble(r[4]) < 5, "sleep uses no CPU: " + String.join(",", r));
      assertEquals(16L << 20, Long.parseLong(r[6]));
    }
    LauncherLeftovers.assertNoneLeft(launcherId);
  }
}
