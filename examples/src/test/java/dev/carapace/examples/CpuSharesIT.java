package dev.carapace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CpuSharesIT {
  private static final Pattern ROW = Pattern.compile(
      "([ABC]) +(\\d+) +(.+?) +([\\d.]+)% +([\\d.]+)% +(yes|NO)");

  @Test
  void threeContainersOnOneCoreSplitItByTheirShares() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String launcherId;
    int code;
    try (ContainerLauncher launcher = TestEngine.launcher()) {
      launcherId = launcher.id();
      code = CpuShares.run(launcher, TestEngine.BUSYBOX, Duration.ofSeconds(4),
          new PrintStream(buf, true, StandardCharsets.UTF_8));
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.println(out);
    assertEquals(0, code, out);
    assertTrue(out.contains("all rows within tolerance\n"), out);
    List<double[]> rows = new ArrayList<>();
    for (String line : out.split("\n")) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        double kernel = Double.parseDouble(m.group(4));
        double measured = Double.parseDouble(m.group(5));
        assertTrue(Math.abs(measured - kernel) <= CpuShares.TOLERANCE_POINTS, line);
        rows.add(new double[] {Integer.parseInt(m.group(2)), kernel, measured});
      }
    }
    assertEquals(6, rows.size(), out);
    assertEquals(List.of(512.0, 512.0, 1024.0, 10.0, 100.0, 1000.0), rows.stream().map(r -> r[0]).toList());
    assertEquals(List.of(25.0, 25.0, 50.0, 0.9, 9.0, 90.1), rows.stream().map(r -> r[1]).toList());
    // 10/100/1000: strictly ordered, and A near nothing
    assertTrue(rows.get(3)[2] < rows.get(4)[2] && rows.get(4)[2] < rows.get(5)[2], out);
    assertTrue(rows.get(3)[2] < 3.0, out);
    LauncherLeftovers.assertNoneLeft(launcherId);
  }
}
