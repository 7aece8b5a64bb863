package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The kernel's per-CPU accounting proves the pinning whatever else runs on the host; the shares of a
 * core depend on that load, so they are checked only where other processes cannot move them: A and B
 * split core 0 evenly and neither pair nor C exceeds one core.
 */
class CpuPinningIT {
  private static final Pattern ROW = Pattern.compile(
      "([ABC]) +([01]) +([\\d.]+)% +([\\d.]+)% +([\\d.]+)% +(\\d+)% *(?:([\\d.]+)%)?");

  @Test
  void twoContainersShareCoreZeroWhileTheThirdHasCoreOne() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String launcherId;
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      launcherId = launcher.id();
      assertEquals(0, CpuPinning.run(launcher, TestEngine.BUSYBOX, Duration.ofSeconds(4),
          new PrintStream(buf, true, StandardCharsets.UTF_8)));
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.println(out);
    Map<String, double[]> rows = new HashMap<>();
    for (String line : out.split("\n")) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        rows.put(m.group(1), new double[] {Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)),
            Double.parseDouble(m.group(5)), m.group(7) == null ? -1 : Double.parseDouble(m.group(7))});
      }
    }
    assertEquals(3, rows.size(), out);
    for (String pinnedToZero : new String[] {"A", "B"}) {
      assertTrue(rows.get(pinnedToZero)[0] >= 99.0, "ran on cpu0 only: " + out);
      assertTrue(rows.get(pinnedToZero)[3] >= 35 && rows.get(pinnedToZero)[3] <= 65, "half of core 0: " + out);
    }
    assertTrue(rows.get("C")[1] >= 99.0, "ran on cpu1 only: " + out);
    assertTrue(rows.get("A")[2] + rows.get("B")[2] <= 105, "A and B together within one core: " + out);
    assertTrue(rows.get("C")[2] <= 105 && rows.get("C")[2] > 0, "C within one core: " + out);
    LauncherLeftovers.assertNoneLeft(launcherId);
  }
}
